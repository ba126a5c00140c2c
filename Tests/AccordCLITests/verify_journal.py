#!/usr/bin/env python3
"""An outside verifier of an Accord journal, written from docs/JOURNAL.md alone.

    accord journal export --db LEDGER | python3 verify_journal.py [--root HEX] [--proof FILE]... [--require-signed]

Checks, for every exported entry in order: seq runs 1, 2, 3 ...; the header of the
canonical bytes (version 1 or 2, seq, previous hash, signer) agrees with the export;
leafHash = SHA-256(0x00 || bytes); previous hash = the leaf hash before (none for
seq 1); signatures verify with the key the journal itself registered, valid for
R < seq < V (when the `cryptography` package is present), and the admin rules of
section 4 (proofs of possession, admin signatures on key changes, the actor rule,
and with --require-signed, signed evidence after the first admin key). Then folds the leaf
hashes into the RFC 6962 root, compares it with --root if given, and verifies
`accord prove` outputs (RFC 9162 section 2.1.3.2 and 2.1.4.2). Prints one JSON
object: {"ok", "entries", "root", "firstFailure": {"seq", "reason"} | null,
"signaturesChecked", "proofsChecked"}; exits 0 when ok, 1 otherwise.
"""
import base64
import hashlib
import json
import struct
import sys

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # signatures are then left to `accord audit`
    Ed25519PublicKey = None


def sha256(data):
    return hashlib.sha256(data).digest()


def node(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """RFC 6962 section 2.1, split at the largest power of two below n."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k << 1 < n:
        k <<= 1
    return node(mth(leaves[:k]), mth(leaves[k:]))


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        if self.at + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.at:self.at + n]
        self.at += n
        return chunk

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def text(self):
        return self.take(struct.unpack(">I", self.take(4))[0]).decode("utf-8")

    def optional(self, read):
        flag = self.u8()
        if flag not in (0, 1):
            raise ValueError("bad optional flag")
        return read() if flag else None


# Evidence kinds: guarantee.invoke, verification, breach, corroboration, correction,
# retraction, dispute, adjudication (`accord audit --require-signed`).
EVIDENCE = (7, 8, 9, 10, 11, 12, 13, 14, 19)


def text(value):
    """The canonical str: u32 length, then the UTF-8 bytes."""
    data = value.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def verify_inclusion(leaf, index, size, path, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, path):
    if first == second:
        return not path and first_root == second_root
    if first == 0 or first > second or not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def main(argv):
    expected_root = argv[argv.index("--root") + 1] if "--root" in argv else None
    proofs = [argv[i + 1] for i, a in enumerate(argv) if a == "--proof"]
    require_signed = "--require-signed" in argv
    leaves, keys, failure, first_admin = [], {}, None, None
    names, prefix = {}, ""  # section 4c: the names portable claims give entries

    def fail(seq, reason):
        nonlocal failure
        if failure is None:
            failure = {"seq": seq, "reason": reason}

    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        seq = item["seq"]
        if seq != len(leaves) + 1:
            fail(len(leaves) + 1, "missing (the export jumps to %d)" % seq)
        data = base64.b64decode(item["bytes"], validate=True)
        leaf = sha256(b"\x00" + data)
        if leaf.hex() != item["leafHash"]:
            fail(seq, "leafHash is not SHA-256(0x00 || bytes)")
        try:
            r = Reader(data)
            version = r.u8()
            if version not in (1, 2, 3):
                raise ValueError("unknown version")
            if r.u64() != seq:
                raise ValueError("the bytes name another seq")
            r.take(8)  # recorded_at
            if version >= 2 and r.u8() not in (0, 1):  # clock: 0 system, 1 overridden
                raise ValueError("unknown clock code")
            actor_at = r.at
            actor = r.text()
            actor_bytes = data[actor_at:r.at]
            previous = r.optional(lambda: r.take(32))
            signer = r.optional(r.text)
            if version >= 2:
                r.optional(lambda: r.take(32))  # state root
            kind = r.u8()
            payload = data[r.at:]
            # What a signature covers: version 1, the whole entry; version 2,
            # the claim: "accord claim v2" NUL, the kind, the actor, the payload.
            signed = data if version == 1 else b"accord claim v2\x00" + bytes([kind]) + actor_bytes + payload
            # Names (section 4c): a record's or corroboration's external id, else "<ledger id prefix>:<seq>".
            if kind == 1:
                prefix = Reader(payload).text()[:8]
            if kind in (8, 9, 10):
                probe = Reader(payload)
                names[seq] = probe.text() if probe.u8() == 1 else None
            if version == 3:
                # A portable claim writes its reference (a u64 seq) as the name of the entry it refers to.
                at = 0
                if kind == 10:
                    probe = Reader(payload)
                    if probe.u8() == 1:
                        probe.text()
                    at = probe.at
                if kind in (10, 11, 12, 13, 14, 19):
                    target = int.from_bytes(payload[at:at + 8], "big")
                    name = (names.get(target) or "%s:%d" % (prefix, target)).encode()
                    payload = payload[:at] + len(name).to_bytes(4, "big") + name + payload[at + 8:]
                signed = b"accord claim v3\x00" + bytes([kind]) + actor_bytes + payload
            registration = revoked_name = None
            if kind == 15:  # key.register: str name, 32-byte Ed25519 key; version 2: role, actors, proof
                name = r.text()
                registration = {"name": name, "key": r.take(32), "registered": seq, "revoked": None, "role": 1,
                                "actors": [], "proof": None}
                if version == 2:
                    registration["role"] = r.u8()
                    registration["actors"] = [r.text() for _ in range(r.u32())]
                    registration["proof"] = r.optional(lambda: r.take(64))
            elif kind == 16:  # key.revoke
                revoked_name = r.text()
        except (ValueError, UnicodeDecodeError) as error:
            fail(seq, "the bytes do not decode: %s" % error)
            leaves.append(leaf)
            continue
        last = leaves[-1] if leaves else None
        if previous != last:
            fail(seq, "does not chain to the entry before")
        if (previous.hex() if previous else None) != item["previousHash"] or actor != item["actor"] or signer != item["signer"]:
            fail(seq, "the export disagrees with the bytes")
        verified = signer is None
        if signer is not None and Ed25519PublicKey is not None:
            key = keys.get(signer)
            signature = base64.b64decode(item["signature"] or "")
            if key is None or seq <= key["registered"] or (key["revoked"] and seq > key["revoked"]):
                fail(seq, "signed by %s, not a key valid at this seq" % signer)
            else:
                try:
                    Ed25519PublicKey.from_public_bytes(key["key"]).verify(signature, signed)
                    verified = True
                except Exception:
                    fail(seq, "the signature by %s does not verify" % signer)
        # Keys (section 4): a proof of possession, when present, verifies; after the first
        # admin key, key changes are signed by an admin key, registrations carry a proof,
        # and a signed entry's actor is its key's name or one of its actors.
        if registration and registration["proof"] is not None and Ed25519PublicKey is not None:
            message = b"accord key possession v1\x00" + text(registration["name"]) + registration["key"] \
                + bytes([registration["role"]]) + struct.pack(">I", len(registration["actors"])) \
                + b"".join(text(a) for a in registration["actors"])
            try:
                Ed25519PublicKey.from_public_bytes(registration["key"]).verify(registration["proof"], message)
            except Exception:
                fail(seq, "the proof of possession of %s does not verify" % registration["name"])
        if first_admin is not None:
            key = keys.get(signer) if signer is not None else None
            if verified and key is not None and actor.encode() != signer.encode() and actor not in key["actors"]:
                fail(seq, "signed by %s as %r, an actor that key was not registered for" % (signer, actor))
            if kind in (15, 16) and verified and (key is None or key["role"] != 2):
                fail(seq, "a key change that no admin key signed")
            if registration and registration["proof"] is None:
                fail(seq, "a registration without a proof of possession")
            if require_signed and kind in EVIDENCE and signer is None:
                fail(seq, "unsigned evidence after the first admin key")
        if registration:
            keys[registration["name"]] = registration
            if registration["role"] == 2 and first_admin is None:
                first_admin = seq
        elif revoked_name in keys:
            keys[revoked_name]["revoked"] = seq
        leaves.append(leaf)

    root = mth(leaves)
    if expected_root is not None and root.hex() != expected_root:
        fail(None, "the root differs from the one given")
    checked = 0
    for path in proofs:
        with open(path) as handle:
            proof = json.load(handle)
        hashes = [bytes.fromhex(h) for h in proof["proof"]]
        if proof["type"] == "inclusion":
            size = proof["treeSize"]
            ok = size <= len(leaves) and verify_inclusion(leaves[proof["seq"] - 1], proof["leafIndex"], size, hashes, mth(leaves[:size]))
        else:
            old, new = proof["oldSize"], proof["newSize"]
            ok = new <= len(leaves) and verify_consistency(old, new, mth(leaves[:old]), mth(leaves[:new]), hashes)
        if not ok:
            fail(None, "proof %s does not verify" % path)
        checked += 1
    print(json.dumps({"ok": failure is None, "entries": len(leaves), "root": root.hex(), "firstFailure": failure,
                      "signaturesChecked": Ed25519PublicKey is not None, "proofsChecked": checked}))
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
