// The standard library's Unicode SPI: canonical decomposition (`_nfd`) and
// full case folding (`Unicode.Scalar.Properties._caseFolded`), from the same
// data as `_nfcCodeUnits`. Neither the standard library nor FoundationEssentials
// offers NFKC on Linux (Foundation's `precomposedStringWithCompatibilityMapping`
// loads ICU, too slow to start for one process per entry), so the
// compatibility mappings below are tables of their own.
@_spi(_Unicode) import Swift

/// The key under which two source names count as one source.
extension TextRules {
    /// `name` reduced so that names a reader would take for the same source
    /// give the same key: `ICRC`, `icrc`, ` ICRC `, `IC` + U+200B + `RC`,
    /// `IСRC` (Cyrillic С) and `ＩＣＲＣ` are one key; `ICRC Kyiv` is another.
    ///
    /// In order:
    /// 1. canonical decomposition (NFD);
    /// 2. default-ignorable code points removed (zero-width spaces and
    ///    joiners, bidirectional controls, the soft hyphen, variation
    ///    selectors …), and every other ``isInvisible(_:)`` character;
    /// 3. Latin look-alikes from Cyrillic, Greek and Armenian mapped to their
    ///    Latin letter (``lookalike(_:)``, a compact table in the spirit of the
    ///    skeletons of Unicode TS #39; a capital and its small letter map alike);
    /// 4. compatibility mappings (``compatibility(_:)``): fullwidth ASCII and
    ///    the ideographic space, ligatures (ﬁ, ĳ, ǆ …), mathematical
    ///    alphanumerics (U+1D400–U+1D7FF), letterlike symbols (ℌ, ℓ, № …),
    ///    superscripts and subscripts, modifier letters (ᴬ, ᶜ, ʰ …), Roman
    ///    numerals, vulgar fractions, circled, parenthesised, full-stop and
    ///    squared letters and digits, compatibility Greek symbols (ϐ, ϑ, ϵ …)
    ///    and the spacing accents of Latin-1; applied again to their own
    ///    results, then step 3 to what they give;
    /// 5. full case folding (Unicode CaseFolding.txt, status C and F: `ß` and
    ///    `ẞ` fold to `ss`), then step 4 once more for what folding exposes;
    /// 6. canonical composition (NFC);
    /// 7. white space (any Unicode White_Space, no-break spaces included)
    ///    collapsed to one space and trimmed.
    ///
    /// Without step 3 this is NFKC_Casefold for every code point of the
    /// blocks step 4 lists (a test checks them one by one against Python's
    /// NFKC and casefold). Of the rest of NFKC it leaves out the mappings of
    /// other scripts and of punctuation (Arabic presentation forms, halfwidth
    /// Katakana and Hangul, vertical and small forms, Kangxi radicals, squared
    /// CJK words), and, of those that give a Latin letter or a digit, only the
    /// CJK squared units, dates and hours (U+32C0–U+32CB, U+3358–U+33FF: ㎏,
    /// ㋀ …), a few modifier letters of Latin Extended-D and -E (ꝰ, ꭜ–ꭟ, ꭩ)
    /// and the phonetic modifiers of U+10780–U+107BA. Canonical equivalents
    /// (Ω U+2126, K U+212A, CJK compatibility ideographs) are handled by
    /// steps 1 and 6. ASCII takes a fast path (lowercase, spaces) and never
    /// touches the tables.
    static func sourceKey(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return asciiSourceKey(name) }
        let folded = compatibilityFolded(name, lookalikes: true)
        return collapsingSpaces(String(decoding: String(String.UnicodeScalarView(folded))._nfcCodeUnits, as: UTF8.self))
    }

    /// ASCII: lowercased, white space runs as one space, trimmed.
    private static func asciiSourceKey(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        for byte in name.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace { bytes.append(0x20) }
            pendingSpace = false
            bytes.append(byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs of white space as one space, none at either end.
    private static func collapsingSpaces(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }
        return String(out)
    }

    /// Steps 1–5 of ``sourceKey(_:)``, decomposed; without step 3 when
    /// `lookalikes` is false (what Unicode's NFKC_Casefold alone would give).
    static func compatibilityFolded(_ text: String, lookalikes: Bool) -> [Unicode.Scalar] {
        var mapped: [Unicode.Scalar] = []
        for scalar in text._nfd where !isIgnorable(scalar) {
            if lookalikes, let latin = lookalike(scalar) {
                mapped.append(latin)
            } else {
                appendCompatibility(scalar, lookalikes: lookalikes, to: &mapped)
            }
        }
        var folded: [Unicode.Scalar] = []
        folded.reserveCapacity(mapped.count)
        for scalar in mapped {
            if scalar.value < 0x80 {
                folded.append(scalar.value >= 0x41 && scalar.value <= 0x5a ? Unicode.Scalar(scalar.value | 0x20)! : scalar)
                continue
            }
            for part in scalar.properties._caseFolded.unicodeScalars {
                appendCompatibility(part, lookalikes: false, to: &folded)
            }
        }
        return folded
    }

    /// Default-ignorable code points, and the invisible characters the text rules refuse.
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0xAD && (scalar.properties.isDefaultIgnorableCodePoint || isInvisible(scalar) || isBidiControl(scalar))
    }

    /// Appends `scalar`'s compatibility mapping (to a fixed point,
    /// decomposed), or `scalar` itself; each result through ``lookalike(_:)``
    /// when `lookalikes`.
    private static func appendCompatibility(_ scalar: Unicode.Scalar, lookalikes: Bool, to out: inout [Unicode.Scalar]) {
        guard scalar.value >= 0xA0, let mapping = compatibility(scalar.value) else {
            out.append(scalar)
            return
        }
        for part in mapping._nfd where !isIgnorable(part) {
            if lookalikes, let latin = lookalike(part) {
                out.append(latin)
            } else {
                appendCompatibility(part, lookalikes: lookalikes, to: &out)
            }
        }
    }
}
