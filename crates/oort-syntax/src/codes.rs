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
    // ---- flow checks (oort-sema `init`, `return`, `null`, `reach`) ----
    /// A local variable read where it may not have been assigned.
    UnassignedRead = "E0301", "use of a possibly unassigned variable";
    /// A non-`void` function whose end is reachable.
    MissingReturn = "E0302", "function can reach its end without returning a value";
    /// A possibly-null value flows into a non-null type `T!`.
    NullIntoNonNull = "E0303", "possibly-null value where a non-null value is required";
    /// Member access, index, call or `goto` on a local that is `null` on some path.
    NullDeref = "E0304", "dereference of a variable that may be null";
    /// Unreachable user code.
    Unreachable = "W0001", "unreachable code";
    /// A local variable that is never read.
    UnusedVariable = "W0002", "unused variable";
}
