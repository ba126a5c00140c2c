extension String {
    /// The text of a NUL-terminated C buffer (a `mkstemp` template after the call).
    package init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
