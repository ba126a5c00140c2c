extension Payload {
    /// One line describing the entry, for history timelines.
    public var summary: String { summary(decimals: 0) }

    /// One line describing the entry; an amended target is written with the
    /// commitment's `decimals` places (the amendment itself does not carry them).
    public func summary(decimals: UInt8) -> String {
        switch self {
        case .ledgerCreate(let value):
            return "ledger \(value.ledgerID) created"
        case .partyAdd(let value):
            return "party \(value.id) (\(value.name)) added"
        case .agreementAdd(let value):
            return "agreement \(value.id) added: \(value.title)"
        case .commitmentAdd(let value):
            var text = "commitment \(value.id) added for \(value.party): "
            switch value.kind {
            case .quantity: text += "\(Quantity(units: value.target ?? 0, scale: value.decimals)) \(value.unit ?? "")"
            case .action: text += "action"
            case .restraint: text += "restraint"
            }
            if let due = value.due { text += " by \(due)" }
            if let from = value.from { text += " from \(from)" }
            if let until = value.until { text += " until \(until)" }
            if let reciprocal = value.reciprocal { text += ", reciprocal with \(reciprocal)" }
            if !value.dependsOn.isEmpty { text += ", after \(value.dependsOn.joined(separator: ", "))" }
            return text
        case .commitmentWithdraw(let value):
            return "commitment \(value.commitment) withdrawn on \(value.date)"
        case .guaranteeAdd(let value):
            return "guarantee \(value.id) by \(value.guarantor) over \(value.covers.joined(separator: ", ")): \(value.consequence)"
        case .guaranteeInvoke(let value):
            return "guarantee \(value.guarantee) invoked on \(value.date)" + (value.note.map { ": \($0)" } ?? "")
        case .verification(let value):
            return "verified " + Payload.describe(value)
        case .breach(let value):
            return "breach " + Payload.describe(value)
        case .corroboration(let value):
            return "corroborates entry \(value.record): \(value.source.name) (\(value.source.kind), \(value.source.confidence))"
        case .correction(let value):
            switch value.replacement {
            case .verification(let record): return "corrects entry \(value.record) to: " + Payload.describe(record)
            case .breach(let record): return "corrects entry \(value.record) to: breach " + Payload.describe(record)
            }
        case .retraction(let value):
            return "retracts entry \(value.record)"
        case .dispute(let value):
            return "disputes entry \(value.record), by \(value.by)" + (value.source.map { " (source: \($0))" } ?? "")
        case .adjudication(let value):
            return "adjudicates entry \(value.record): \(value.ruling)"
        case .keyRegister(let value):
            return "key \(value.name) registered"
        case .keyRevoke(let value):
            return "key \(value.name) revoked"
        case .amendment(let value):
            return "\(value.subject) \(value.id) amended from \(value.effective): " + Payload.describe(value.terms, decimals: decimals)
        case .void(let value):
            return "entry \(value.entry) voided (entered in error)"
        case .tokenIssue(let value):
            var text = "token \(value.name) issued (\(value.role))"
            if let expires = value.expires { text += ", expires \(expires)" }
            if let key = value.key { text += ", bound to key \(key)" }
            return text
        case .tokenRevoke(let value):
            return "token \(value.name) revoked"
        case .ledgerUpgrade(let value):
            return "ledger upgraded from schema \(value.fromSchema) to \(value.toSchema); projections rebuilt from the journal"
        }
    }

    /// The reason the entry gives, if any.
    public var reason: String? {
        switch self {
        case .commitmentWithdraw(let value): value.reason
        case .correction(let value): value.reason
        case .retraction(let value): value.reason
        case .dispute(let value): value.reason
        case .adjudication(let value): value.reason
        case .keyRevoke(let value): value.reason
        case .amendment(let value): value.reason
        case .void(let value): value.reason
        case .tokenRevoke(let value): value.reason
        default: nil
        }
    }

    static func describe(_ value: Verification) -> String {
        let what: String
        switch value.measure {
        case .quantity(let quantity): what = "\(quantity)"
        case .done: what = "done"
        case .notDone: what = "not done"
        }
        return "\(value.commitment): \(what) observed \(value.observed) (\(value.source.name), \(value.source.confidence))"
    }

    static func describe(_ terms: AmendedTerms, decimals: UInt8) -> String {
        var parts: [String] = []
        switch terms {
        case .commitment(let target, let due, let from, let until, let text):
            if let target { parts.append("target \(Quantity(units: target, scale: decimals))") }
            if let due { parts.append("due \(due)") }
            if let from { parts.append("from \(from)") }
            if let until { parts.append("until \(until)") }
            if text != nil { parts.append("text changed") }
        case .party(let name):
            if let name { parts.append("name \(name)") }
        case .agreement(let title, let date, let venue):
            if let title { parts.append("title \(title)") }
            if let date { parts.append("date \(date)") }
            if let venue { parts.append("venue \(venue)") }
        case .guarantee(let covers, let days, let consequence):
            if let covers { parts.append("covers \(covers.joined(separator: " "))") }
            if let days { parts.append("respond within \(days) days") }
            if consequence != nil { parts.append("consequence changed") }
        }
        return parts.joined(separator: ", ")
    }

    static func describe(_ value: Breach) -> String {
        "of \(value.commitment) by \(value.party), \(value.severity), observed \(value.observed) (\(value.source.name), \(value.source.confidence))"
    }
}
