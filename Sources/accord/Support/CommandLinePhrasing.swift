import AccordLedger

/// How the command line names the engine's fields and hints: a field as the
/// words its messages always used (`party id`, `respond-within-days`), an
/// input to give as its flag (`--quantity`), a hint as the command to run.
/// The engine's messages carry no command or flag of their own; this is the
/// one place that spells them out.
struct CommandLinePhrasing: Phrasing {
    func name(_ field: Field) -> String {
        switch field {
        case .id(let entity):
            switch entity {
            case .party, .agreement, .commitment, .guarantee: "\(entity.rawValue) id"
            case .entry: "entry"
            case .key: "key name"
            case .token: "token name"
            }
        case .partyKind: "party kind"
        case .respondWithinDays: "respond-within-days"
        case .dependsOn: "depends-on"
        case .keyName: "key name"
        case .keyFile: "key file"
        case .publicKeyFile: "public key file"
        case .keyRequest: "key request"
        case .signsFor, .evidenceFile, .asOf, .at, .since, .periodEnd, .minConfidence, .treeSize, .signWith, .trustedKey,
             .requireSigned, .map, .set, .filter, .mapping, .delimiter, .ignoreUnknown, .rejects, .ledgerPath:
            option(field)
        case .recordedAt: "ACCORD_NOW"
        default: field.key
        }
    }

    func option(_ field: Field) -> String {
        switch field {
        case .id, .externalID: "--id"
        case .evidenceFile: "--evidence"
        case .partyKind, .commitmentKind, .rowKind: "--kind"
        case .signsFor: "--for"
        case .periodEnd: "--until"
        case .ledgerPath: "--db"
        case .filter: "--where"
        case .treeSize: "--size"
        case .keyFile: "--key"
        case .publicKeyFile: "--public"
        case .keyRequest: "--request"
        case .keyName: "NAME"
        case .entry: "ENTRY"
        case .recordedAt: "ACCORD_NOW"
        default: "--" + String(field.key.map { $0 == "_" ? "-" : $0 })
        }
    }

    func hint(_ hint: Hint) -> String {
        switch hint {
        case .audit: "; run `accord audit`"
        case .auditLedger(let path): "; run `accord audit --db \(path)`"
        case .auditExamines(let path): " (`accord audit --db \(path)` examines it)"
        case .auditAndRestore: "; run `accord audit` and restore from a copy"
        case .initialise(let path): "; run `accord init --db \(path)`"
        case .createLedger(let path): "; create one with `accord init --db \(path)`, or give --db the path of an existing ledger"
        case .createLedgerHere: "; create one with `accord init`"
        case .migrate: "; run `accord migrate` first"
        case .add(let entity, let id):
            switch entity {
            case .party: "; add it with `accord party add \(id) --name …`"
            case .agreement, .commitment, .guarantee: "; add it with `accord \(entity.rawValue) add`"
            case .entry, .key, .token: ""
            }
        case .list(let entity):
            switch entity {
            case .party, .agreement, .commitment, .guarantee: "; list them with `accord \(entity.rawValue) list`"
            case .entry: "; list them with `accord journal`"
            case .key: "; list them with `accord key list`"
            case .token: "; list them with `accord token list`"
            }
        case .replaceDemo: "; pass --force to replace it with the demo ledger, or --db to choose another file"
        case .reportBreach: "; report one with `accord breach`"
        case .correct(let id): "; if the new values are right, record them with `accord correct \(id)` and a --reason"
        case .correctLater(let id): "`accord correct \(id)` changes it"
        case .retractAndRecord(let id): "; to replace it, `accord retract \(id)` and record the new one"
        case .generateKey: "; make a key pair with `accord key generate --out FILE` (it writes FILE and FILE.pub)"
        case .usePrivateKey: "; sign with the private key file `accord key generate` wrote beside it (the same name without .pub)"
        case .registerKey(let name): "; register its public key with `accord key register \(name) --public FILE.pub`"
        case .registerAdminKey: ": register it with `accord key admin --public FILE.pub`"
        case .requestAdminRole: "; an admin key's request is made with `accord key request --role admin`"
        case .registerAnotherAdmin: "; register another admin key first (`accord key request --role admin`)"
        case .newKeyRequest: "; ask its holder for a new one (`accord key request`)"
        case .adminRegistersAdmin:
            "; another admin key is registered by an admin: `accord key request --key NEW.key --role admin --out FILE`, "
                + "then `accord key register --request FILE --sign-with ADMIN.key`"
        case .proveKeyPossession:
            ": have its holder run `accord key request --key FILE --out FILE.request`, and register that with --request; "
                + "nothing was written"
        case .keyRequestFormat: ", as `accord key request` writes it"
        case .giveAdminKey: " (give it one with `accord key admin --public FILE.pub`)"
        case .importJSONLines:
            "; `accord import` reads JSON Lines (one object per line: export with --format ndjson), or pass --format jsonl if it is that"
        case .mayBeJSONLines: " (if the file is JSON Lines, pass --format jsonl)"
        }
    }
}

extension LedgerError {
    /// The message as the command line says it.
    var commandLineMessage: String { message(CommandLinePhrasing()) }
}
