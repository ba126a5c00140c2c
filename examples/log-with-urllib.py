#!/usr/bin/env python3
"""Logs one verification on an Accord server with Python's standard library."""
import json
import os
import urllib.error
import urllib.request

SERVER = os.environ.get("ACCORD_SERVER", "http://127.0.0.1:8080")
TOKEN = os.environ["ACCORD_TOKEN"]  # a monitor's token, from `accord token issue`

verification = {
    "commitment": "RU-release",
    "quantity": 303,
    "observed": "2025-05-25",
    "source": "UN HRMMU",
    "sourceKind": "monitor",
    "confidence": "probable",
    "id": "hrmmu-0525-ru",  # the same id sent again is a harmless retry
}
request = urllib.request.Request(
    SERVER + "/v1/verifications",
    data=json.dumps(verification).encode(),
    headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"},
)
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        receipt = json.load(response)
        print(response.status, receipt["status"], "at seq", receipt["seq"])
except urllib.error.HTTPError as error:
    problem = json.load(error)  # RFC 9457: type, title, status, detail, errors
    print(error.code, problem["title"], "-", problem.get("detail", ""))
