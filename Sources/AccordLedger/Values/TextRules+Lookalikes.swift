/// The tables behind ``TextRules/sourceKey(_:)``: compatibility mappings
/// (a subset of Unicode's <compat>, <font>, <circle>, <super>, <sub>,
/// <wide> and <square> decompositions) and Latin look-alikes.
extension TextRules {
    /// Latin look-alikes of Cyrillic, Greek and Armenian letters, and dotless
    /// i and j: the Latin letter a reader sees. A capital and its small letter
    /// always map to the same Latin letter, so that the key still ignores case
    /// (`Ελληνική` and `ΕΛΛΗΝΙΚΉ` are one source). Where the two look like
    /// different Latin letters, the capital's look wins, since source names
    /// are so often acronyms in capitals (`ΝΑΤΟ` is `nato`): Greek ν is n, not
    /// v; η is h; υ is y; μ is m. Armenian goes by its small letters (ո n,
    /// հ h, զ q, ց g, օ o, ս u), and Լ, Տ by their capitals.
    static func lookalike(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        guard v >= 0x131 && v <= 0x585, let ascii = lookalikes[v] else { return nil }
        return Unicode.Scalar(ascii)
    }

    private static let lookalikes: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        let pairs: [(String, Character)] = [
            // Cyrillic.
            ("Аа", "a"), ("Вв", "b"), ("Сс", "c"), ("Ԁԁ", "d"), ("Ее", "e"), ("Һһ", "h"), ("Нн", "h"), ("Іі", "i"),
            ("Јј", "j"), ("Кк", "k"), ("Ӏӏ", "l"), ("Мм", "m"), ("Оо", "o"), ("Рр", "p"), ("Ԛԛ", "q"), ("Ѕѕ", "s"),
            ("Тт", "t"), ("Ԝԝ", "w"), ("Хх", "x"), ("Уу", "y"), ("Үү", "y"),
            // Greek.
            ("Αα", "a"), ("Ββ", "b"), ("Ϲϲ", "c"), ("Εε", "e"), ("Ηη", "h"), ("Ιι", "i"), ("Ϳϳ", "j"), ("Κκ", "k"),
            ("Μμ", "m"), ("Νν", "n"), ("Οο", "o"), ("Ρρ", "p"), ("Ττ", "t"), ("Χχ", "x"), ("Υυ", "y"), ("Ζζ", "z"),
            // Armenian.
            ("Լլ", "l"), ("Ոո", "n"), ("Հհ", "h"), ("Օօ", "o"), ("Զզ", "q"), ("Ցց", "g"), ("Տտ", "s"), ("Սս", "u"),
            // Latin dotless i and j.
            ("ı", "i"), ("ȷ", "j"),
        ]
        for (letters, latin) in pairs {
            for scalar in letters.unicodeScalars { table[scalar.value] = latin.asciiValue! }
        }
        return table
    }()

    /// The compatibility mapping of `v`, or nil when this table leaves it as it is.
    static func compatibility(_ v: UInt32) -> String? {
        switch v {
        case 0xFF01...0xFF5E: return scalarText(v - 0xFEE0)  // fullwidth ASCII
        case 0x3000: return " "  // ideographic space
        case 0x1D400...0x1D6A3: return scalarText(latinLetter((v - 0x1D400) % 52))  // mathematical letters
        case 0x1D6A4: return "ı"
        case 0x1D6A5: return "ȷ"
        case 0x1D6A8...0x1D7C9: return String(mathGreek[Int((v - 0x1D6A8) % 58)])  // mathematical Greek
        case 0x1D7CA: return "Ϝ"
        case 0x1D7CB: return "ϝ"
        case 0x1D7CE...0x1D7FF: return scalarText(0x30 + (v - 0x1D7CE) % 10)  // mathematical digits
        case 0x1FBF0...0x1FBF9: return scalarText(0x30 + v - 0x1FBF0)  // segmented digits
        case 0x2460...0x2473: return String(v - 0x2460 + 1)  // ① … ⑳
        case 0x2474...0x2487: return "(\(v - 0x2474 + 1))"  // ⑴ … ⒇
        case 0x2488...0x249B: return "\(v - 0x2488 + 1)."  // ⒈ … ⒛
        case 0x249C...0x24B5: return "(" + scalarText(0x61 + v - 0x249C) + ")"  // ⒜ … ⒵
        case 0x24B6...0x24CF: return scalarText(0x41 + v - 0x24B6)  // Ⓐ … Ⓩ
        case 0x24D0...0x24E9: return scalarText(0x61 + v - 0x24D0)  // ⓐ … ⓩ
        case 0x24EA: return "0"
        case 0x3251...0x325F: return String(v - 0x3251 + 21)  // ㉑ … ㉟
        case 0x32B1...0x32BF: return String(v - 0x32B1 + 36)  // ㊱ … ㊿
        case 0x1F100: return "0."
        case 0x1F101...0x1F10A: return "\(v - 0x1F101),"  // 🄁 … 🄊
        case 0x1F110...0x1F129: return "(" + scalarText(0x41 + v - 0x1F110) + ")"  // 🄐 … 🄩
        case 0x1F130...0x1F149: return scalarText(0x41 + v - 0x1F130)  // 🄰 … 🅉
        case 0x2070: return "0"
        case 0x2074...0x2079: return scalarText(0x30 + v - 0x2070)  // ⁴ … ⁹
        case 0x2080...0x2089: return scalarText(0x30 + v - 0x2080)  // ₀ … ₉
        case 0x2160...0x217F: return romanNumerals[Int(v - 0x2160)]
        case 0xFB00...0xFB06: return ["ff", "fi", "fl", "ffi", "ffl", "st", "st"][Int(v - 0xFB00)]
        case 0x01C4...0x01CC: return ["DŽ", "Dž", "dž", "LJ", "Lj", "lj", "NJ", "Nj", "nj"][Int(v - 0x01C4)]
        case 0x01F1...0x01F3: return ["DZ", "Dz", "dz"][Int(v - 0x01F1)]
        case 0x02B0...0x02B8: return String(Array("hɦjrɹɻʁwy")[Int(v - 0x02B0)])
        case 0x02E0...0x02E4: return String(Array("ɣlsxʕ")[Int(v - 0x02E0)])
        case 0x2090...0x209C: return String(Array("aeoxəhklmnpst")[Int(v - 0x2090)])
        case 0x1D2C...0x1D6A: return modifierLetters[v]
        case 0x1D9B...0x1DBF: return String(Array("ɒcɕðɜfɟɡɥɨɩɪᵻʝɭᶅʟɱɰɲɳɴɵɸʂʃƫʉʊᴜʋʌzʐʑʒθ")[Int(v - 0x1D9B)])
        case 0x2150...0x215E: return ["1⁄7", "1⁄9", "1⁄10", "1⁄3", "2⁄3", "1⁄5", "2⁄5", "3⁄5", "4⁄5", "1⁄6", "5⁄6", "1⁄8", "3⁄8",
                                      "5⁄8", "7⁄8"][Int(v - 0x2150)]
        default: return singles[v]
        }
    }

    private static func scalarText(_ v: UInt32) -> String { String(Character(Unicode.Scalar(v)!)) }

    /// The 52 letters A–Z a–z of each mathematical style.
    private static func latinLetter(_ index: UInt32) -> UInt32 { index < 26 ? 0x41 + index : 0x61 + index - 26 }

    /// The 58 Greek letters and symbols of each mathematical style, in code point order.
    private static let mathGreek = Array("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡϴΣΤΥΦΧΨΩ∇αβγδεζηθικλμνξοπρςστυφχψω∂ϵϑϰϕϱϖ")

    private static let romanNumerals = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "L", "C", "D", "M",
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "l", "c", "d", "m",
    ]

    /// Modifier letters U+1D2C–U+1D6A (ᴬ ᴮ … ᵪ) that have a compatibility mapping.
    private static let modifierLetters: [UInt32: String] = {
        // One character per code point from U+1D2C; "·" marks one without a mapping.
        let letters = Array("AÆB·DEƎGHIJKLMN·OȢPRTUWaɐɑᴂbdeəɛɜg·kmŋoɔᴖᴗptuᴝɯvᴥβγδφχiruvβγρφχ")
        var table: [UInt32: String] = [:]
        for (offset, letter) in letters.enumerated() where letter != "·" { table[0x1D2C + UInt32(offset)] = String(letter) }
        return table
    }()

    /// Single code points: Latin-1 and Latin Extended compatibility characters,
    /// superscripts and subscripts, vulgar fractions, compatibility Greek
    /// symbols, letterlike symbols, and the squared Latin abbreviations.
    private static let singles: [UInt32: String] = [
        0xA0: " ", 0xA8: " \u{308}", 0xAA: "a", 0xAF: " \u{304}", 0xB2: "2", 0xB3: "3", 0xB4: " \u{301}", 0xB5: "μ",
        0xB8: " \u{327}", 0xB9: "1", 0xBA: "o", 0xBC: "1⁄4", 0xBD: "1⁄2", 0xBE: "3⁄4",
        0x132: "IJ", 0x133: "ij", 0x13F: "L·", 0x140: "l·", 0x149: "ʼn", 0x17F: "s", 0x1E9A: "aʾ",
        0x20A8: "Rs", 0x215F: "1⁄", 0x2189: "0⁄3", 0x2C7C: "j", 0x2C7D: "V",
        0xA7F2: "C", 0xA7F3: "F", 0xA7F4: "Q", 0xA7F8: "Ħ", 0xA7F9: "œ", 0x3250: "PTE", 0x32CC: "Hg", 0x32CD: "erg",
        0x32CE: "eV", 0x32CF: "LTD",
        0x2071: "i", 0x207A: "+", 0x207B: "−", 0x207C: "=", 0x207D: "(", 0x207E: ")", 0x207F: "n",
        0x208A: "+", 0x208B: "−", 0x208C: "=", 0x208D: "(", 0x208E: ")",
        0x3D0: "β", 0x3D1: "θ", 0x3D2: "Υ", 0x3D5: "φ", 0x3D6: "π", 0x3F0: "κ", 0x3F1: "ρ", 0x3F2: "ς", 0x3F4: "Θ", 0x3F5: "ε",
        0x3F9: "Σ",
        0x2100: "a/c", 0x2101: "a/s", 0x2102: "C", 0x2103: "°C", 0x2105: "c/o", 0x2106: "c/u", 0x2107: "Ɛ", 0x2109: "°F",
        0x210A: "g", 0x210B: "H", 0x210C: "H", 0x210D: "H", 0x210E: "h", 0x210F: "ħ", 0x2110: "I", 0x2111: "I", 0x2112: "L",
        0x2113: "l", 0x2115: "N", 0x2116: "No", 0x2119: "P", 0x211A: "Q", 0x211B: "R", 0x211C: "R", 0x211D: "R",
        0x2120: "SM", 0x2121: "TEL", 0x2122: "TM", 0x2124: "Z", 0x2128: "Z", 0x212C: "B", 0x212D: "C", 0x212F: "e",
        0x2130: "E", 0x2131: "F", 0x2133: "M", 0x2134: "o", 0x2135: "א", 0x2136: "ב", 0x2137: "ג", 0x2138: "ד", 0x2139: "i",
        0x213B: "FAX", 0x213C: "π", 0x213D: "γ", 0x213E: "Γ", 0x213F: "Π", 0x2140: "∑", 0x2145: "D", 0x2146: "d",
        0x2147: "e", 0x2148: "i", 0x2149: "j",
        0x1F12A: "〔S〕", 0x1F12B: "C", 0x1F12C: "R", 0x1F12D: "CD", 0x1F12E: "WZ",
        0x1F14A: "HV", 0x1F14B: "MV", 0x1F14C: "SD", 0x1F14D: "SS", 0x1F14E: "PPV", 0x1F14F: "WC",
        0x1F16A: "MC", 0x1F16B: "MD", 0x1F16C: "MR", 0x1F190: "DJ",
    ]
}
