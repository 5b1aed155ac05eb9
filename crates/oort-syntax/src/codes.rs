//! Diagnostic codes: every diagnostic the compiler reports has one (`E0001`, `W0001`, …),
//! with a title and a long explanation that `oort explain CODE` prints.
//!
//! The explanations live in `crates/oort-syntax/explain/<CODE>.md`, one file per code:
//! a paragraph, then an example program between ```` ```oort ```` fences that produces the
//! diagnostic (the test suite checks that it does).
//!
//! Codes starting with `W` are warnings: never fatal unless promoted with `-D`.

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $id:literal, $title:literal; )*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $name, )*
        }

        impl Code {
            /// Every code, in numbering order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as written in diagnostics: `E0001`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$name => $id,)* }
            }

            /// A one-line summary.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }

            /// The long explanation with an example (`oort explain`).
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$name => include_str!(concat!("../explain/", $id, ".md")),)* }
            }
        }
    };
}

impl Code {
    /// Whether diagnostics with this code are warnings by default.
    pub fn is_warning(self) -> bool {
        self.id().starts_with('W')
    }

    /// Looks a code up by its id (`E0001`, case-insensitive).
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id().eq_ignore_ascii_case(id))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

codes! {
    // ---- lexical and syntax errors (the lexer and the parser) ----
    /// A character that starts no token.
    UnexpectedCharacter = "E0001", "unexpected character";
    /// A block comment or string literal that is not closed.
    Unterminated = "E0002", "unterminated comment or string literal";
    /// A numeric literal or escape sequence that is not well formed.
    MalformedLiteral = "E0003", "malformed literal";
    /// A numeric literal whose value no type can hold.
    LiteralOutOfRange = "E0004", "numeric literal out of range";
    /// "expected X, found Y": the parser met a token that cannot come here.
    UnexpectedToken = "E0005", "unexpected token";
    /// A `{` never closed, or a `}` with no `{`.
    UnbalancedBraces = "E0006", "unbalanced braces";
    /// A variable or field declaration of the wrong shape.
    MalformedDeclaration = "E0007", "malformed declaration";
    /// More nesting than the parser accepts.
    NestingTooDeep = "E0008", "nesting too deep";
    /// So many syntax errors that the parser gives up on the rest of the file.
    TooManyErrors = "E0009", "too many syntax errors";

    // ---- names and scopes (`symbol`) ----
    /// A name that is not declared anywhere in scope.
    UndefinedName = "E0101", "undefined name";
    /// A type or class name that is not declared.
    UnknownType = "E0102", "unknown type";
    /// Two declarations of one name in one scope or one class.
    DuplicateName = "E0103", "duplicate name";
    /// A local declaration hiding one of an enclosing scope of the same function.
    ShadowedName = "E0104", "name already declared in an enclosing scope";
    /// A name used in its scope before its declaration.
    UseBeforeDeclaration = "E0105", "name used before its declaration";
    /// A declaration as the body of `if`, `while`, `for`, … without a block.
    DeclarationNotAllowed = "E0106", "declaration not allowed here";
    /// `break` or `continue` with no enclosing loop (or `switch`).
    OutsideLoop = "E0107", "`break` or `continue` outside a loop";
    /// `this` or `super` where there is no object or no superclass.
    NoThis = "E0108", "`this` or `super` with nothing to refer to";
    /// A class inheriting from a non-class, or from itself.
    InvalidInheritance = "E0109", "invalid superclass";

    // ---- types (`typecheck`) ----
    /// A value of one type where another is required.
    MismatchedTypes = "E0201", "mismatched types";
    /// An operator applied to operands of types it does not accept.
    InvalidOperands = "E0202", "invalid operand types";
    /// A member access naming no field or method of the type.
    NoSuchMember = "E0203", "no such member";
    /// A call with more or fewer arguments than parameters.
    ArgumentCount = "E0204", "wrong number of arguments";
    /// A call of a value that is not a function.
    NotCallable = "E0205", "call of a value that is not a function";
    /// An index into a value that is neither an array nor a string.
    NotIndexable = "E0206", "index into a value that is not an array or string";
    /// A type expression that names no valid type.
    InvalidType = "E0207", "invalid type";
    /// A call of a `void` function used as a value.
    VoidValue = "E0208", "`void` expression used as a value";
    /// An assignment to something that is not a variable, field or element.
    InvalidAssignTarget = "E0209", "invalid assignment target";
    /// `?:` branches or array elements with no common type.
    NoCommonType = "E0210", "no common type";
    /// A declaration whose type cannot be inferred.
    CannotInfer = "E0211", "cannot infer a type";
    /// An `as` conversion or `is` test that is not allowed.
    InvalidCast = "E0212", "invalid `as` or `is`";
    /// `new` of a type that is not a class.
    NewNonClass = "E0213", "`new` of something that is not a class";
    /// A method or built-in that may only be called, used as a value.
    UncalledMethod = "E0214", "method or built-in used without a call";
    /// A `return` that does not fit the function it is in.
    InvalidReturn = "E0215", "invalid `return`";
    /// A `switch` case that is not a distinct integer constant, or a second `default`.
    InvalidSwitchCase = "E0216", "invalid `switch` case";
    /// A `goto` to something other than a label, or a tail call that is not allowed.
    InvalidGoto = "E0217", "invalid `goto`";
    /// A method overriding an inherited one with another signature.
    IncompatibleOverride = "E0218", "override with a different signature";

    // ---- flow checks (oort-sema `init`, `return`, `null`, `reach`) ----
    /// A local variable read where it may not have been assigned.
    UnassignedRead = "E0301", "use of a possibly unassigned variable";
    /// A non-`void` function whose end is reachable.
    MissingReturn = "E0302", "function can reach its end without returning a value";
    /// A possibly-null value flows into a non-null type `T!`.
    NullIntoNonNull = "E0303", "possibly-null value where a non-null value is required";
    /// Member access, index, call or `goto` on a local that is `null` on some path.
    NullDeref = "E0304", "dereference of a variable that may be null";

    // ---- limits of the implementation (code generation) ----
    /// A function with more registers or constants than the bytecode can address.
    ProgramTooLarge = "E0401", "program too large for the bytecode format";
    /// A class with more ancestors than the compiler accepts.
    ClassTooDeep = "E0402", "class hierarchy too deep";

    // ---- warnings ----
    /// Unreachable user code.
    Unreachable = "W0001", "unreachable code";
    /// A local variable that is never read.
    UnusedVariable = "W0002", "unused variable";
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn ids_are_well_formed_unique_and_in_order() {
        for w in Code::ALL.windows(2) {
            assert!(w[0].id() < w[1].id(), "{} must come before {}", w[0].id(), w[1].id());
        }
        for &c in Code::ALL {
            let id = c.id();
            assert!(id.len() == 5 && matches!(&id[..1], "E" | "W") && id[1..].bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(Code::from_id(id), Some(c));
            assert_eq!(Code::from_id(&id.to_lowercase()), Some(c));
            assert_eq!(c.is_warning(), id.starts_with('W'));
            assert!(!c.title().is_empty());
        }
        assert_eq!(Code::from_id("E9999"), None);
    }
}
