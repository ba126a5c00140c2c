/// How an import's messages name things: a field as the file's column
/// (`respond_within_days`, `id`), the rest as the front end that runs the
/// import says.
struct ImportPhrasing: Phrasing {
    let frontEnd: any Phrasing

    /// The column that gives the field: its stable key.
    func name(_ field: Field) -> String { field.key }
    func option(_ field: Field) -> String { frontEnd.option(field) }
    func hint(_ hint: Hint) -> String { frontEnd.hint(hint) }
}
