//! The program generator: random, well-typed, terminating Oort programs.
//!
//! A program is built top-down from a typed model, Csmith-style: the generator knows the
//! type of every variable, field, function and method in scope and only writes
//! expressions whose type it knows, so every program it writes compiles. What it keeps
//! true, and how:
//!
//! - **Well-typed and flow-correct.** Every name is fresh (`v12`, `f3`, `C2`, `L7`), so
//!   nothing shadows or is declared twice. Every variable is initialized where it is
//!   declared, and every reference value the generator writes is non-null (objects come
//!   from `new`, arrays of references from literals), except in the statements that
//!   raise runtime errors on purpose. Top-level functions and methods touch only the
//!   globals declared first, so calling them anywhere satisfies definite assignment.
//! - **Terminating.** Loops count a counter nothing else assigns up to a small bound, and
//!   every iteration spends fuel (below);
//!   backward `goto`s and re-entries are counted the same way. Every function, method and
//!   lambda starts by spending one unit of the global `fuel_` and returns a default value
//!   when there is none left, so recursion, mutual recursion and calls through closures
//!   all stop, and the work a program does is bounded by its fuel.
//! - **Deterministic.** No clocks, no `identity_hash`; the output depends only on the
//!   program. Strings are kept short (`trim_`), so nothing grows without bound.
//!
//! The same seed and size always give the same program ([`generate`]); a fuzzer can also
//! drive it from its own bytes ([`generate_from`]).

/// Where the generator's choices come from.
pub trait Entropy {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
}

impl Entropy for rand_chacha::ChaCha8Rng {
    fn next_u64(&mut self) -> u64 {
        rand_core::RngCore::next_u64(self)
    }
}

/// Choices read from a byte string (a fuzzer's input), then zeros once it is used up.
pub struct Bytes<'a>(pub &'a [u8]);

impl Entropy for Bytes<'_> {
    fn next_u64(&mut self) -> u64 {
        let n = self.0.len().min(8);
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        u64::from_le_bytes(b)
    }
}

/// The program for `seed` with about `size` statements.
pub fn generate(seed: u64, size: usize) -> String {
    let mut rng = <rand_chacha::ChaCha8Rng as rand_core::SeedableRng>::seed_from_u64(seed);
    let mut g = Gen::new(&mut rng, size);
    g.program(&format!("// oort-gen: seed {seed}, size {size}"));
    g.out
}

/// A program whose choices are read from `entropy`, with about `size` statements.
pub fn generate_from(entropy: &mut dyn Entropy, size: usize) -> String {
    let mut g = Gen::new(entropy, size);
    g.program("// oort-gen");
    g.out
}

// ---------------------------------------------------------------------------------------
// The model

#[derive(Clone, Debug, PartialEq, Eq)]
enum Ty {
    Bool,
    I32,
    U32,
    I64,
    U64,
    F64,
    Str,
    Arr(Box<Ty>),
    Fn(Vec<Ty>, Box<Ty>),
    Label,
    Class(usize),
    Object,
    Void,
}

use Ty::*;

const INTS: [Ty; 4] = [I32, U32, I64, U64];

impl Ty {
    fn is_int(&self) -> bool {
        matches!(self, I32 | U32 | I64 | U64)
    }
    fn is_num(&self) -> bool {
        self.is_int() || *self == F64
    }
    fn is_ref(&self) -> bool {
        matches!(self, Str | Arr(_) | Fn(..) | Label | Class(_) | Object)
    }
}

/// The function types programs use: a small palette, so that values of each meet often.
fn fn_palette() -> Vec<Ty> {
    vec![
        Fn(vec![I32], Box::new(I32)),
        Fn(vec![], Box::new(I32)),
        Fn(vec![Str], Box::new(Str)),
        Fn(vec![], Box::new(Void)),
        Fn(vec![F64, I32], Box::new(F64)),
        Fn(vec![I64], Box::new(Bool)),
    ]
}

#[derive(Clone, Debug)]
struct Sig {
    name: String,
    params: Vec<Ty>,
    ret: Ty,
}

struct Class {
    name: String,
    parent: Option<usize>,
    fields: Vec<(String, Ty)>,
    /// Methods declared here: new ones and overrides.
    methods: Vec<Sig>,
    /// This class's own `init` parameters, if it declares one.
    init: Option<Vec<Ty>>,
}

#[derive(Clone)]
struct Var {
    name: String,
    ty: Ty,
    assignable: bool,
}

#[derive(Default)]
struct Scope {
    vars: Vec<Var>,
    funcs: Vec<Sig>,
}

/// The function being generated.
struct Frame {
    ret: Ty,
    top: bool,
    class: Option<usize>,
    /// The method being generated, when it overrides one (for `super.m (…)`).
    overrides: Option<Sig>,
    loops: u32,
    switches: u32,
    /// Index of this frame's first scope in `Gen::scopes`.
    base: usize,
}

struct Gen<'a> {
    rng: &'a mut dyn Entropy,
    out: String,
    indent: usize,
    next_id: usize,
    classes: Vec<Class>,
    funcs: Vec<Sig>,
    scopes: Vec<Scope>,
    frames: Vec<Frame>,
    /// Statements still to write in the current body.
    budget: usize,
    size: usize,
    /// Whether the program may still get its one deliberate runtime error.
    error_left: bool,
    /// Tail-recursive functions, and how deep the main program calls them.
    tails: Vec<(String, u32)>,
    /// Type aliases (`type A = T;`) declarations may use.
    aliases: Vec<(String, Ty)>,
}

impl<'a> Gen<'a> {
    fn new(rng: &'a mut dyn Entropy, size: usize) -> Gen<'a> {
        Gen {
            rng,
            out: String::new(),
            indent: 0,
            next_id: 0,
            classes: Vec::new(),
            funcs: Vec::new(),
            scopes: Vec::new(),
            frames: Vec::new(),
            budget: 0,
            size: size.max(4),
            error_left: false,
            tails: Vec::new(),
            aliases: Vec::new(),
        }
    }

    // -- randomness ---------------------------------------------------------------------

    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.rng.next_u64() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.rng.next_u64() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    /// An index into `weights`, chosen in proportion to them (all zero: 0).
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        0
    }
    fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    // -- output -------------------------------------------------------------------------

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }
    fn open(&mut self, header: &str) {
        if header.is_empty() {
            self.line("{");
        } else {
            self.line(&format!("{header} {{"));
        }
        self.indent += 1;
    }
    fn close(&mut self) {
        self.indent -= 1;
        self.line("}");
    }

    // -- types --------------------------------------------------------------------------

    fn ty_text(&self, t: &Ty) -> String {
        match t {
            Bool => "bool".into(),
            I32 => "int32".into(),
            U32 => "uint32".into(),
            I64 => "int64".into(),
            U64 => "uint64".into(),
            F64 => "double".into(),
            Str => "string".into(),
            Arr(e) => format!("array[{}]", self.ty_text(e)),
            Fn(ps, r) => {
                let ps: Vec<String> = ps.iter().map(|p| self.ty_text(p)).collect();
                format!("fn ({}) -> {}", ps.join(", "), self.ty_text(r))
            }
            Label => "label".into(),
            Class(c) => self.classes[*c].name.clone(),
            Object => "object".into(),
            Void => "void".into(),
        }
    }

    fn is_subclass(&self, mut sub: usize, sup: usize) -> bool {
        loop {
            if sub == sup {
                return true;
            }
            match self.classes[sub].parent {
                Some(p) => sub = p,
                None => return false,
            }
        }
    }

    /// Whether a value of type `from` may be used where a `to` is expected.
    fn converts(&self, from: &Ty, to: &Ty) -> bool {
        if from == to {
            return true;
        }
        match (from, to) {
            (I32, I64 | F64) | (U32, I64 | U64 | F64) | (I64, F64) => true,
            (Class(a), Class(b)) => self.is_subclass(*a, *b),
            (f, Object) => f.is_ref(),
            _ => false,
        }
    }

    /// The type of `a OP b` for two integer types (`None`: a mixed 64-bit error).
    fn common_int(a: &Ty, b: &Ty) -> Option<Ty> {
        let rank = |t: &Ty| INTS.iter().position(|x| x == t);
        let (ra, rb) = (rank(a)?, rank(b)?);
        for t in INTS.iter().skip(ra.max(rb)) {
            let holds = |x: &Ty| match (x, t) {
                (x, t) if x == t => true,
                (I32, I64) | (U32, I64) | (U32, U64) => true,
                _ => false,
            };
            if holds(a) && holds(b) {
                return Some(t.clone());
            }
        }
        None
    }

    fn all_fields(&self, c: usize) -> Vec<(String, Ty)> {
        let mut out = match self.classes[c].parent {
            Some(p) => self.all_fields(p),
            None => Vec::new(),
        };
        out.extend(self.classes[c].fields.iter().cloned());
        out
    }

    /// Every method an object of class `c` has, with the signature it was first declared with.
    fn all_methods(&self, c: usize) -> Vec<Sig> {
        let mut out = match self.classes[c].parent {
            Some(p) => self.all_methods(p),
            None => Vec::new(),
        };
        for m in &self.classes[c].methods {
            if !out.iter().any(|o| o.name == m.name) {
                out.push(m.clone());
            }
        }
        out
    }

    /// The parameters `new C (…)` takes: `C`'s own `init`, else the nearest ancestor's.
    fn init_params(&self, c: usize) -> Vec<Ty> {
        let mut k = Some(c);
        while let Some(i) = k {
            if let Some(ps) = &self.classes[i].init {
                return ps.clone();
            }
            k = self.classes[i].parent;
        }
        Vec::new()
    }

    fn has_init(&self, c: usize) -> bool {
        let mut k = Some(c);
        while let Some(i) = k {
            if self.classes[i].init.is_some() {
                return true;
            }
            k = self.classes[i].parent;
        }
        false
    }

    /// A type for a new variable, field or parameter.
    fn some_type(&mut self, allow_class: bool) -> Ty {
        let n = self.classes.len();
        match self.weighted(&[10, 5, 5, 5, 6, 8, 3, 3, 2, 3, if allow_class && n > 0 { 6 } else { 0 }, 1]) {
            0 => I32,
            1 => U32,
            2 => I64,
            3 => U64,
            4 => F64,
            5 => Str,
            6 => Bool,
            7 => Arr(Box::new(self.pick(&[I32, F64, Str, I64, U32, Bool, U64]))),
            8 => Object,
            9 => {
                let p = fn_palette();
                self.pick(&p)
            }
            10 => Class(self.below(n)),
            _ => Arr(Box::new(Str)),
        }
    }

    fn scalar_type(&mut self) -> Ty {
        self.pick(&[I32, I32, U32, I64, U64, F64, Str, Bool])
    }

    // -- scopes -------------------------------------------------------------------------

    fn frame(&self) -> &Frame {
        self.frames.last().expect("a frame")
    }
    fn frame_mut(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a frame")
    }
    fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }
    fn pop_scope(&mut self) {
        self.scopes.pop();
    }
    fn declare(&mut self, name: &str, ty: Ty, assignable: bool) {
        self.scopes.last_mut().expect("a scope").vars.push(Var { name: name.into(), ty, assignable });
    }
    fn visible_vars(&self) -> Vec<Var> {
        self.scopes.iter().flat_map(|s| s.vars.iter().cloned()).collect()
    }
    fn visible_funcs(&self) -> Vec<Sig> {
        let mut out = self.funcs.clone();
        out.extend(self.scopes.iter().flat_map(|s| s.funcs.iter().cloned()));
        out
    }

    fn enter_function(&mut self, ret: Ty, class: Option<usize>, overrides: Option<Sig>) {
        let base = self.scopes.len();
        self.frames.push(Frame { ret, top: false, class, overrides, loops: 0, switches: 0, base });
        self.push_scope();
    }
    fn leave_function(&mut self) {
        let f = self.frames.pop().expect("a frame");
        self.scopes.truncate(f.base);
    }

    /// Runs `body` with only the globals in scope (for top-level functions and methods).
    fn with_globals_only<T>(&mut self, body: impl FnOnce(&mut Self) -> T) -> T {
        let saved: Vec<Scope> = self.scopes.drain(1..).collect();
        let saved_frames: Vec<Frame> = std::mem::take(&mut self.frames);
        let r = body(self);
        self.scopes.extend(saved);
        self.frames = saved_frames;
        r
    }

    // -- places: what can be read and written -------------------------------------------

    /// Readable places of exactly type `ty` (or a subclass, for classes): variables, fields.
    fn places(&self, ty: &Ty, writable: bool) -> Vec<String> {
        let mut out = Vec::new();
        let fits = |t: &Ty| t == ty || matches!((t, ty), (Class(a), Class(b)) if !writable && self.is_subclass(*a, *b));
        for v in self.visible_vars() {
            if fits(&v.ty) && (!writable || v.assignable) {
                out.push(v.name.clone());
            }
            if let Class(c) = v.ty {
                for (f, t) in self.all_fields(c) {
                    if fits(&t) {
                        out.push(format!("{}.{f}", v.name));
                    }
                }
            }
        }
        if let Some(c) = self.frames.last().and_then(|f| f.class) {
            if !writable && fits(&Class(c)) {
                out.push("this".into());
            }
            for (f, t) in self.all_fields(c) {
                if fits(&t) {
                    out.push(format!("this.{f}"));
                    if !writable {
                        // A bare field name reads `this`'s field (`f++` would not compile).
                        out.push(f);
                    }
                }
            }
        }
        out
    }

    /// Array-valued places (variables and fields) whose element type is `elem`.
    fn arrays_of(&self, elem: &Ty) -> Vec<String> {
        self.places(&Arr(Box::new(elem.clone())), false)
    }

    /// Every way to call something that returns `ret`: `(callee text, parameter types)`.
    fn calls_returning(&self, ret: &Ty) -> Vec<(String, Vec<Ty>)> {
        let mut out = Vec::new();
        let good = |r: &Ty| self.converts(r, ret) && (*r != Void || *ret == Void);
        for f in self.visible_funcs() {
            if good(&f.ret) {
                out.push((f.name.clone(), f.params.clone()));
            }
        }
        for v in self.visible_vars() {
            match &v.ty {
                Fn(ps, r) if good(r) => out.push((v.name.clone(), ps.clone())),
                Class(c) => {
                    for m in self.all_methods(*c) {
                        if good(&m.ret) {
                            out.push((format!("{}.{}", v.name, m.name), m.params.clone()));
                        }
                    }
                    for (f, t) in self.all_fields(*c) {
                        if let Fn(ps, r) = t
                            && good(&r)
                        {
                            out.push((format!("{}.{f}", v.name), ps.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(frame) = self.frames.last() {
            if let Some(c) = frame.class {
                for m in self.all_methods(c) {
                    if good(&m.ret) {
                        out.push((format!("this.{}", m.name), m.params.clone()));
                    }
                }
            }
            if let Some(m) = &frame.overrides
                && good(&m.ret)
            {
                out.push((format!("super.{}", m.name), m.params.clone()));
            }
        }
        out
    }

    // -- expressions --------------------------------------------------------------------

    /// An integer literal of type `t`, written so that its type is `t` wherever it stands:
    /// an unsuffixed literal takes the type its context expects (the other operand of a
    /// shift, the target of `as` of a literal-only expression), so it is cast.
    fn int_lit(&mut self, t: &Ty) -> String {
        let raw = self.int_value(t);
        format!("({raw} as {})", self.ty_text(t))
    }

    /// A value in `t`'s range, as literal text (boundaries often).
    fn int_value(&mut self, t: &Ty) -> String {
        let small = || ["0", "1", "2", "3", "5", "7", "10", "16", "100", "255"];
        if self.chance(70) {
            let s = small();
            return self.pick(&s).to_string();
        }
        let edges: &[&str] = match t {
            I32 => &["2147483647", "-2147483648", "-1", "65536", "-7", "1000003", "0x7fff_ffff"],
            U32 => &["4294967295", "2147483648", "65535", "0xffff_fffe", "123456789"],
            I64 => &["9223372036854775807", "-9223372036854775808", "-1", "4294967296", "-123456789012"],
            _ => &["18446744073709551615", "9223372036854775808", "4294967295", "0xdead_beef_cafe"],
        };
        self.pick(edges).to_string()
    }

    fn double_lit(&mut self) -> String {
        let xs =
            ["0.0", "1.0", "1.5", "0.1", "2.5e-3", "1e10", "3.75", "100.25", "1e300", "0.5", "7.0", "-2.5", "-0.0"];
        let s = self.pick(&xs);
        if s.starts_with('-') { format!("({s})") } else { s.to_string() }
    }

    fn string_lit(&mut self) -> String {
        let xs = [
            "",
            "a",
            "ab",
            "hello",
            "x y",
            "\\n",
            "\\t!",
            "q\\\"q",
            "\\x41\\x42",
            "\\xff\\x80",
            "a\\0b",
            "zz",
            "\\\\",
            "0",
            "-12",
            "42",
        ];
        format!("\"{}\"", self.pick(&xs))
    }

    /// An expression of type `ty` (or one that converts to it), at most `d` levels deep.
    fn expr(&mut self, ty: &Ty, d: u32) -> String {
        // Sometimes a value of a narrower type, converted implicitly.
        if d > 0 && self.chance(8) {
            let narrower: Vec<Ty> = match ty {
                I64 => vec![I32, U32],
                U64 => vec![U32],
                F64 => vec![I32, U32, I64],
                Object => vec![Str, Arr(Box::new(I32))],
                _ => vec![],
            };
            if !narrower.is_empty() {
                let t = self.pick(&narrower);
                return self.expr(&t, d - 1);
            }
        }
        if d == 0 || self.chance(25) {
            return self.leaf(ty);
        }
        match ty {
            I32 | U32 | I64 | U64 => self.int_expr(ty, d),
            F64 => self.double_expr(d),
            Bool => self.bool_expr(d),
            Str => self.string_expr(d),
            Arr(e) => self.array_expr(e, d),
            Class(c) => self.object_expr(*c, d),
            Fn(ps, r) => self.fn_expr(ps, r, d),
            Object => {
                let t = self.pick(&[Str, Arr(Box::new(I32)), Arr(Box::new(Str))]);
                let t = match self.classes.len() {
                    0 => t,
                    n if self.chance(50) => Class(self.below(n)),
                    _ => t,
                };
                self.expr(&t, d - 1)
            }
            Label | Void => self.leaf(ty),
        }
    }

    /// A literal, variable or field of type `ty`.
    fn leaf(&mut self, ty: &Ty) -> String {
        let places = self.places(ty, false);
        if !places.is_empty() && self.chance(65) {
            return self.pick(&places);
        }
        match ty {
            I32 | U32 | I64 | U64 => self.int_lit(ty),
            F64 => self.double_lit(),
            Bool => self.pick(&["true", "false"]).to_string(),
            Str => self.string_lit(),
            Arr(e) => {
                let n = 1 + self.below(3);
                let items: Vec<String> = (0..n).map(|_| self.leaf(e)).collect();
                if e.is_ref() || matches!(**e, I32 | F64 | Bool) || self.chance(50) {
                    format!("[{}]", items.join(", "))
                } else {
                    format!("new array[{}] ({n})", self.ty_text(e))
                }
            }
            Class(c) => self.new_object(*c, 0),
            Fn(ps, r) => self.lambda(ps, r, 0),
            Object => self.string_lit(),
            Label | Void => "null".into(),
        }
    }

    fn args(&mut self, params: &[Ty], d: u32) -> String {
        let a: Vec<String> = params.iter().map(|p| self.expr(p, d)).collect();
        a.join(", ")
    }

    /// A call returning `ty`, if there is anything to call.
    fn call(&mut self, ty: &Ty, d: u32) -> Option<String> {
        let calls = self.calls_returning(ty);
        if calls.is_empty() {
            return None;
        }
        let (callee, params) = self.pick(&calls);
        Some(format!("{callee} ({})", self.args(&params, d.saturating_sub(1))))
    }

    fn int_expr(&mut self, ty: &Ty, d: u32) -> String {
        let e = d - 1;
        match self.weighted(&[30, 6, 8, 8, 10, 6, 5, 5, 4, 3, 3, 2]) {
            0 => {
                let op = self.pick(&["+", "-", "*", "&", "|", "^", "+", "-", "*"]);
                let a = self.expr(ty, e);
                let b = if self.chance(30) { self.int_value_raw() } else { self.expr(ty, e) };
                format!("({a} {op} {b})")
            }
            1 => {
                // Division: mostly by a value that is never zero.
                let op = self.pick(&["/", "%"]);
                let a = self.expr(ty, e);
                let b = self.expr(ty, e);
                if self.chance(4) { format!("({a} {op} {b})") } else { format!("({a} {op} ({b} | 1))") }
            }
            2 => {
                let op = self.pick(&["<<", ">>"]);
                let a = self.expr(ty, e);
                let ct = self.pick(&[I32, I32, U32, I64]);
                let b = self.expr(&ct, e);
                format!("({a} {op} {b})")
            }
            3 => {
                let op = self.pick(&["-", "~"]);
                format!("({op}{})", self.expr(ty, e))
            }
            4 => {
                // A conversion from any numeric type (doubles saturate, integers wrap).
                let from = self.pick(&[I32, U32, I64, U64, F64]);
                format!("({} as {})", self.expr(&from, e), self.ty_text(ty))
            }
            5 => {
                // Mixed operands whose common type is `ty`.
                let pairs: Vec<(Ty, Ty)> = INTS
                    .iter()
                    .flat_map(|a| INTS.iter().map(move |b| (a.clone(), b.clone())))
                    .filter(|(a, b)| Self::common_int(a, b).as_ref() == Some(ty))
                    .collect();
                let (a, b) = self.pick(&pairs);
                let op = self.pick(&["+", "-", "*", "&", "^"]);
                format!("({} {op} {})", self.expr(&a, e), self.expr(&b, e))
            }
            6 => {
                let c = self.expr(&Bool, e);
                format!("({c} ? {} : {})", self.expr(ty, e), self.expr(ty, e))
            }
            7 => self.call(ty, d).unwrap_or_else(|| self.leaf(ty)),
            8 if *ty == I32 => {
                let s = self.expr(&Str, e);
                match self.below(3) {
                    0 if self.chance(10) => "args ().length".to_string(),
                    0 => format!("{s}.length"),
                    1 => {
                        // A byte of a string, always in bounds.
                        let i = self.expr(&I32, e);
                        format!("(\"x\" + {s})[({i} & 1023) % ({s}.length + 1)]")
                    }
                    _ => {
                        let a = self.pick(&[I32, F64, Str, I64]);
                        match self.arrays_of(&a).as_slice() {
                            [] => format!("{s}.length"),
                            arrs => {
                                let arr = arrs[self.below(arrs.len())].clone();
                                format!("{arr}.length")
                            }
                        }
                    }
                }
            }
            9 => self.element(ty, d).unwrap_or_else(|| self.leaf(ty)),
            10 => self.side_effect(ty, d).unwrap_or_else(|| self.leaf(ty)),
            11 if *ty == I64 => format!("parse_int (str ({}))", self.expr(&I32, e)),
            _ => self.leaf(ty),
        }
    }

    /// A raw integer literal, which takes the other operand's type: small, so that it fits
    /// whatever narrower type that operand turns out to have.
    fn int_value_raw(&mut self) -> String {
        self.pick(&["0", "1", "2", "3", "7", "31", "64", "255", "1000"]).to_string()
    }

    /// `a[i]` for an array variable or field with element type `ty`, always in bounds.
    fn element(&mut self, ty: &Ty, d: u32) -> Option<String> {
        let arrs = self.arrays_of(ty);
        if arrs.is_empty() {
            return None;
        }
        let a = self.pick(&arrs);
        let i = self.index(&a, d);
        Some(format!("{a}[{i}]"))
    }

    /// An index into the array `a` that is always in bounds (arrays are never empty).
    fn index(&mut self, a: &str, d: u32) -> String {
        let t = self.pick(&[I32, I32, U32]);
        let i = self.expr(&t, d.saturating_sub(1));
        format!("({i} & 1023) % {a}.length")
    }

    /// `x++`, `--x` or an assignment inside an expression.
    fn side_effect(&mut self, ty: &Ty, d: u32) -> Option<String> {
        let targets = self.places(ty, true).into_iter().filter(|p| !p.contains('.')).collect::<Vec<_>>();
        if targets.is_empty() {
            return None;
        }
        let t = self.pick(&targets);
        Some(match self.below(5) {
            0 => format!("{t}++"),
            1 => format!("{t}--"),
            2 => format!("(++{t})"),
            3 => format!("(--{t})"),
            _ => {
                let v = self.expr(ty, d.saturating_sub(1));
                format!("({t} = {v})")
            }
        })
    }

    fn double_expr(&mut self, d: u32) -> String {
        let e = d - 1;
        match self.weighted(&[30, 10, 10, 8, 6, 5, 5, 3]) {
            0 => {
                let op = self.pick(&["+", "-", "*", "/", "%"]);
                format!("({} {op} {})", self.expr(&F64, e), self.expr(&F64, e))
            }
            1 => {
                let f = self.pick(&["sqrt", "floor", "sin", "cos", "exp", "log"]);
                format!("{f} ({})", self.expr(&F64, e))
            }
            2 => {
                let from = self.pick(&[I32, U32, I64, U64]);
                format!("({} as double)", self.expr(&from, e))
            }
            3 => format!("(-{})", self.expr(&F64, e)),
            4 => format!("pow ({}, {})", self.expr(&F64, e), self.expr(&F64, e)),
            5 => {
                let c = self.expr(&Bool, e);
                format!("({c} ? {} : {})", self.expr(&F64, e), self.expr(&F64, e))
            }
            6 => self.call(&F64, d).unwrap_or_else(|| self.leaf(&F64)),
            _ => self.element(&F64, d).or_else(|| self.side_effect(&F64, d)).unwrap_or_else(|| self.leaf(&F64)),
        }
    }

    fn bool_expr(&mut self, d: u32) -> String {
        let e = d - 1;
        match self.weighted(&[25, 10, 10, 6, 6, 5, 4, 4, 4]) {
            0 => {
                let t = self.pick(&[I32, U32, I64, U64, F64, I32]);
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("({} {op} {})", self.expr(&t, e), self.expr(&t, e))
            }
            1 => {
                let op = self.pick(&["&&", "||"]);
                format!("({} {op} {})", self.expr(&Bool, e), self.expr(&Bool, e))
            }
            2 => format!("(!{})", self.expr(&Bool, e)),
            3 => {
                let op = self.pick(&["==", "!="]);
                format!("({} {op} {})", self.expr(&Str, e), self.expr(&Str, e))
            }
            4 if !self.classes.is_empty() => {
                // `is` on an object of a related class, or on any reference.
                // Any reference may be tested against any class.
                let c = self.below(self.classes.len());
                let target = self.below(self.classes.len());
                let v = if self.chance(70) { self.expr(&Class(c), e) } else { self.expr(&Object, e) };
                format!("({v} is {})", self.classes[target].name)
            }
            5 => {
                let ob = self.object_value(e);
                let t = self.pick(&["string", "array[int32]", "array[double]", "label"]);
                format!("({ob} is {t})")
            }
            6 => {
                // Reference equality.
                let t = self.some_type(true);
                match t {
                    // Both sides get the static type `t`: an object of a subclass is cast up.
                    Class(c) => {
                        let n = self.classes[c].name.clone();
                        format!("(({} as {n}) == ({} as {n}))", self.expr(&t, e), self.expr(&t, e))
                    }
                    Object => format!("({} == {})", self.object_value(e), self.object_value(e)),
                    t if t.is_ref() => format!("({} == {})", self.expr(&t, e), self.expr(&t, e)),
                    _ => self.leaf(&Bool),
                }
            }
            7 => self.call(&Bool, d).unwrap_or_else(|| self.leaf(&Bool)),
            _ => self.element(&Bool, d).unwrap_or_else(|| self.leaf(&Bool)),
        }
    }

    /// An expression whose static type is `object` (for `is` and `as` on kinds).
    fn object_value(&mut self, d: u32) -> String {
        let places = self.places(&Object, false);
        if !places.is_empty() && self.chance(60) {
            return self.pick(&places);
        }
        let e = self.expr(&Object, d);
        format!("({e} as object)")
    }

    fn related(&self, a: usize, b: usize) -> bool {
        self.is_subclass(a, b) || self.is_subclass(b, a)
    }

    fn string_expr(&mut self, d: u32) -> String {
        let e = d - 1;
        match self.weighted(&[20, 15, 8, 8, 6, 5, 5, 4]) {
            0 => format!("trim_ ({} + {})", self.expr(&Str, e), self.expr(&Str, e)),
            1 => {
                let t = self.some_type(true);
                let v = self.expr(&t, e);
                // The text of a value holding strings is longer than they are: keep it short.
                if matches!(t, Str | Object) || t == Arr(Box::new(Str)) {
                    format!("trim_ (str ({v}))")
                } else {
                    format!("str ({v})")
                }
            }
            2 => format!("chr ({} & 255)", self.expr(&I32, e)),
            3 => {
                let places = self.places(&Str, false);
                let s = if places.is_empty() { self.string_lit() } else { self.pick(&places) };
                let i = self.expr(&I32, e);
                format!("{s}.substring (({i} & 1023) % ({s}.length + 1), {s}.length)")
            }
            4 => {
                let c = self.expr(&Bool, e);
                format!("({c} ? {} : {})", self.expr(&Str, e), self.expr(&Str, e))
            }
            5 => self.call(&Str, d).unwrap_or_else(|| self.leaf(&Str)),
            6 => self.element(&Str, d).unwrap_or_else(|| self.leaf(&Str)),
            _ => {
                let o = self.object_value(e);
                format!("str ({o} as string)")
            }
        }
    }

    fn array_expr(&mut self, elem: &Ty, d: u32) -> String {
        let e = d - 1;
        match self.below(4) {
            0 if !elem.is_ref() => {
                let n = self.expr(&I32, e);
                format!("new array[{}] (({n} & 3) + 1)", self.ty_text(elem))
            }
            1 => self.call(&Arr(Box::new(elem.clone())), d).unwrap_or_else(|| self.leaf(&Arr(Box::new(elem.clone())))),
            _ => {
                let n = 1 + self.below(4);
                let items: Vec<String> = (0..n).map(|_| self.expr(elem, e)).collect();
                // Every element has exactly the element type, so the literal has it too.
                let items: Vec<String> = items
                    .into_iter()
                    .map(|i| if elem.is_num() && *elem != I32 { format!("({i} as {})", self.ty_text(elem)) } else { i })
                    .collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    fn new_object(&mut self, c: usize, d: u32) -> String {
        // An object of `c` or one of its subclasses.
        let subs: Vec<usize> = (0..self.classes.len()).filter(|&k| self.is_subclass(k, c)).collect();
        let k = self.pick(&subs);
        let params = self.init_params(k);
        let args = self.args(&params, d.saturating_sub(1));
        format!("new {} ({args})", self.classes[k].name)
    }

    fn object_expr(&mut self, c: usize, d: u32) -> String {
        match self.below(4) {
            0 => self.new_object(c, d),
            1 => self.call(&Class(c), d).unwrap_or_else(|| self.leaf(&Class(c))),
            2 => {
                let cond = self.expr(&Bool, d - 1);
                let a = self.expr(&Class(c), d - 1);
                let b = self.expr(&Class(c), d - 1);
                format!("({cond} ? {a} : {b})")
            }
            _ => self.leaf(&Class(c)),
        }
    }

    fn fn_expr(&mut self, ps: &[Ty], r: &Ty, d: u32) -> String {
        let named: Vec<String> =
            self.visible_funcs().into_iter().filter(|f| f.params == ps && f.ret == *r).map(|f| f.name).collect();
        match self.below(4) {
            0 if !named.is_empty() => self.pick(&named),
            1 => {
                // A bound method with this signature.
                let mut bound = Vec::new();
                for v in self.visible_vars() {
                    if let Class(c) = v.ty {
                        for m in self.all_methods(c) {
                            if m.params == ps && m.ret == *r {
                                bound.push(format!("{}.{}", v.name, m.name));
                            }
                        }
                    }
                }
                if bound.is_empty() { self.lambda(ps, r, d) } else { self.pick(&bound) }
            }
            _ => self.lambda(ps, r, d),
        }
    }

    /// A lambda: written on one line when short, else as a body of its own.
    fn lambda(&mut self, ps: &[Ty], r: &Ty, d: u32) -> String {
        let names: Vec<String> = ps.iter().map(|_| self.fresh("p")).collect();
        let params: Vec<String> = names.iter().zip(ps).map(|(n, t)| format!("{n}: {}", self.ty_text(t))).collect();
        let header = format!("fn ({}) -> {}", params.join(", "), self.ty_text(r));
        self.enter_function(r.clone(), self.frames.last().and_then(|f| f.class), None);
        for (n, t) in names.iter().zip(ps) {
            self.declare(n, t.clone(), true);
        }
        let deep = self.frames.len() < 4 && d > 0 && self.budget > 0 && self.chance(35);
        let text = if deep {
            // A body with statements, written inline over several lines.
            let saved_out = std::mem::take(&mut self.out);
            let saved_indent = self.indent;
            self.indent = saved_indent + 1;
            self.fuel_check();
            let n = 1 + self.below(3);
            self.statements(n, 2);
            self.final_return();
            self.indent = saved_indent;
            let body = std::mem::replace(&mut self.out, saved_out);
            let pad = "    ".repeat(saved_indent);
            format!("{header} {{\n{body}{pad}}}")
        } else {
            let fuel = match r {
                Void => "if (fuel_ <= 0) return; fuel_--;".to_string(),
                r => format!("if (fuel_ <= 0) return {}; fuel_--; return {};", self.default_value(r), self.expr(r, 1)),
            };
            format!("{header} {{ {fuel} }}")
        };
        self.leave_function();
        text
    }

    /// A value of type `ty` with no side effects and no calls, for early returns.
    fn default_value(&mut self, ty: &Ty) -> String {
        match ty {
            Bool => "false".into(),
            I32 | U32 | I64 | U64 => "0".into(),
            F64 => "0.0".into(),
            Str | Object => "\"\"".into(),
            Arr(e) if e.is_ref() => format!("[{}]", self.default_value(e)),
            Arr(e) => format!("new array[{}] (1)", self.ty_text(e)),
            Class(c) => {
                let ps = self.init_params(*c);
                let args: Vec<String> = ps.iter().map(|p| self.default_value(p)).collect();
                format!("new {} ({})", self.classes[*c].name, args.join(", "))
            }
            Fn(ps, r) => {
                let params: Vec<String> =
                    ps.iter().enumerate().map(|(i, t)| format!("d{i}: {}", self.ty_text(t))).collect();
                let body = if **r == Void { String::new() } else { format!(" return {};", self.default_value(r)) };
                format!("fn ({}) -> {} {{{body} }}", params.join(", "), self.ty_text(r))
            }
            Label | Void => "null".into(),
        }
    }

    // -- statements ---------------------------------------------------------------------

    /// `if (fuel_ <= 0) return …; fuel_--;` at the start of a body.
    fn fuel_check(&mut self) {
        let ret = self.frame().ret.clone();
        let value = if ret == Void { String::new() } else { format!(" {}", self.default_value(&ret)) };
        self.line(&format!("if (fuel_ <= 0) return{value};"));
        self.line("fuel_--;");
    }

    fn final_return(&mut self) {
        let ret = self.frame().ret.clone();
        // A tail call to a function with exactly this result type, now and then.
        if self.chance(15) {
            let tails: Vec<Sig> = self.funcs.iter().filter(|f| f.ret == ret).cloned().collect();
            if !tails.is_empty() {
                let f = self.pick(&tails);
                let args = self.args(&f.params, 2);
                self.line(&format!("goto {} ({args});", f.name));
                return;
            }
        }
        if ret != Void {
            let e = self.expr(&ret, 3);
            self.line(&format!("return {e};"));
        }
    }

    /// `n` statements, nested at most `depth` blocks deeper.
    fn statements(&mut self, n: usize, depth: u32) {
        for _ in 0..n {
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            self.statement(depth);
        }
    }

    fn block(&mut self, header: &str, n: usize, depth: u32) {
        self.open(header);
        self.push_scope();
        self.statements(n, depth);
        self.pop_scope();
        self.close();
    }

    fn statement(&mut self, depth: u32) {
        let nested = depth > 0;
        let in_loop = self.frame().loops > 0;
        let in_fn = !self.frame().top;
        let w = |b: bool, x: usize| if b { x } else { 0 };
        let choice = self.weighted(&[
            18,                              // 0 declaration
            18,                              // 1 assignment
            14,                              // 2 print
            w(nested, 8),                    // 3 if
            w(nested, 5),                    // 4 for
            w(nested, 3),                    // 5 while / do
            w(nested, 3),                    // 6 switch
            6,                               // 7 call
            w(nested, 3),                    // 8 function-typed variable
            w(nested, 2),                    // 9 nested function
            w(nested, 2),                    // 10 goto loop
            w(nested, 2),                    // 11 non-local exit
            w(nested, 2),                    // 12 re-entry, generator
            w(nested, 1),                    // 13 local class
            w(in_loop, 4),                   // 14 break / continue
            w(in_fn, 2),                     // 15 early return
            w(nested, 2),                    // 16 block
            4,                               // 17 ++ / --
            w(!self.classes.is_empty(), 3),  // 18 casts
            w(nested, 2),                    // 19 closures made in a loop
            w(self.error_left && !in_fn, 1), // 20 runtime error
            2,                               // 21 labels as values
        ]);
        match choice {
            0 => self.declaration(),
            1 => self.assignment(),
            2 => {
                let t = self.some_type(true);
                let e = self.expr(&t, 3);
                self.line(&format!("print {e};"));
            }
            3 => {
                let c = self.expr(&Bool, 3);
                let n = 1 + self.below(3);
                self.open(&format!("if ({c})"));
                self.push_scope();
                self.statements(n, depth - 1);
                self.pop_scope();
                if self.chance(50) {
                    self.indent -= 1;
                    self.line("} else {");
                    self.indent += 1;
                    self.push_scope();
                    self.statements(n, depth - 1);
                    self.pop_scope();
                }
                self.close();
            }
            4 => {
                let i = self.fresh("i");
                let t = self.pick(&[I32, I32, U32, I64]);
                let k = 1 + self.below(4);
                let init = if t == I32 { format!("{i} := 0") } else { format!("{i}: {} = 0", self.ty_text(&t)) };
                self.open(&format!("for ({init}; {i} < {k} && fuel_ > 0; {i}++)"));
                self.line("fuel_--;");
                self.push_scope();
                self.declare(&i, t, false);
                self.frame_mut().loops += 1;
                let n = 1 + self.below(4);
                self.statements(n, depth - 1);
                self.frame_mut().loops -= 1;
                self.pop_scope();
                self.close();
            }
            5 => {
                let w = self.fresh("w");
                let k = 1 + self.below(4);
                self.line(&format!("{w} := 0;"));
                self.declare(&w, I32, false);
                // `while (c)`, `do … while (c);`, or `while (true)` left by `break`.
                let form = self.below(3);
                let do_while = form == 1;
                self.open(&match form {
                    0 => format!("while ({w} < {k} && fuel_ > 0)"),
                    1 => "do".to_string(),
                    _ => "while (true)".to_string(),
                });
                self.push_scope();
                self.line(&format!("{w}++;"));
                self.line("fuel_--;");
                if form == 2 {
                    self.line(&format!("if ({w} > {k} || fuel_ <= 0) break;"));
                }
                self.frame_mut().loops += 1;
                let n = 1 + self.below(4);
                self.statements(n, depth - 1);
                self.frame_mut().loops -= 1;
                self.pop_scope();
                if do_while {
                    self.indent -= 1;
                    self.line(&format!("}} while ({w} < {k} && fuel_ > 0);"));
                } else {
                    self.close();
                }
            }
            6 => self.switch(depth),
            7 => {
                let t = self.some_type(true);
                let t = if self.chance(30) { Void } else { t };
                if let Some(c) = self.call(&t, 3) {
                    self.line(&format!("{c};"));
                }
            }
            8 => {
                let p = fn_palette();
                let t = self.pick(&p);
                let v = self.fresh("v");
                let e = self.expr(&t, 2);
                self.line(&format!("{v}: {} = {e};", self.ty_text(&t)));
                self.declare(&v, t.clone(), true);
                if let Fn(ps, r) = &t {
                    let args = self.args(ps, 2);
                    let print = if **r == Void { "" } else { "print " };
                    self.line(&format!("{print}{v} ({args});"));
                }
            }
            9 => self.nested_function(depth),
            10 => self.goto_loop(depth),
            11 => self.non_local_exit(depth),
            12 if self.chance(50) => self.generator(),
            12 => self.reentry(),
            13 => self.local_class(),
            14 => {
                let c = self.expr(&Bool, 2);
                let what = self.pick(&["break", "continue"]);
                self.line(&format!("if ({c}) {what};"));
            }
            15 => {
                let c = self.expr(&Bool, 2);
                let ret = self.frame().ret.clone();
                if ret == Void {
                    self.line(&format!("if ({c}) return;"));
                } else {
                    let e = self.expr(&ret, 2);
                    self.line(&format!("if ({c}) return {e};"));
                }
            }
            16 => {
                let n = 1 + self.below(3);
                self.block("", n, depth - 1);
            }
            17 => {
                let t = self.pick(&[I32, U32, I64, U64, F64]);
                let mut targets: Vec<String> = self.places(&t, true).into_iter().filter(|p| !p.contains('.')).collect();
                for a in self.arrays_of(&t) {
                    let i = self.index(&a, 1);
                    targets.push(format!("{a}[{i}]"));
                }
                if !targets.is_empty() {
                    let target = self.pick(&targets);
                    let op = self.pick(&["++", "--"]);
                    if self.chance(50) {
                        self.line(&format!("{target}{op};"));
                    } else {
                        self.line(&format!("{op}{target};"));
                    }
                }
            }
            18 => self.casts(),
            19 => self.loop_closures(depth),
            20 => self.runtime_error(),
            _ => {
                let l = self.fresh("L");
                let v = self.fresh("v");
                self.line(&format!("@{l}:"));
                self.line(&format!("{v}: label = {l};"));
                self.declare(&v, Label, false);
                self.line(&format!("print {v};"));
                self.line(&format!("print {v} == {l};"));
            }
        }
    }

    fn declaration(&mut self) {
        let t = self.some_type(true);
        let v = self.fresh("v");
        // A bare literal takes the declared type.
        let e = if t.is_int() && self.chance(20) { self.int_value(&t) } else { self.expr(&t, 3) };
        // An inferred declaration only for the types whose expressions always have exactly
        // that type (a `double` one may be an integer converted implicitly).
        if matches!(t, I32 | Bool | Str) && self.chance(40) {
            self.line(&format!("{v} := {e};"));
            self.declare(&v, t, true);
            return;
        }
        // Values known non-null by their form may go into a `T!` (never assigned again).
        if (e.starts_with("new ") || e.starts_with('"')) && matches!(t, Class(_) | Str) && self.chance(30) {
            // Not in scope for later statements: `x := v` would infer a `T!` that a later
            // assignment of a plain `T` does not fit.
            self.line(&format!("{v}: {}! = {e};", self.ty_text(&t)));
            self.line(&format!("print {v};"));
            return;
        }
        let alias = self.aliases.iter().find(|(_, a)| *a == t).map(|(n, _)| n.clone());
        let name = match alias {
            Some(alias) if self.chance(50) => alias,
            _ => self.ty_text(&t),
        };
        self.line(&format!("{v}: {name} = {e};"));
        self.declare(&v, t, true);
    }

    fn assignment(&mut self) {
        let t = self.some_type(true);
        let mut targets = self.places(&t, true);
        for a in self.arrays_of(&t) {
            let i = self.index(&a, 1);
            targets.push(format!("{a}[{i}]"));
        }
        if targets.is_empty() {
            return self.declaration();
        }
        let target = self.pick(&targets);
        if t.is_num() && self.chance(40) {
            let ops: &[&str] = if t == F64 {
                &["+=", "-=", "*=", "/="]
            } else {
                &["+=", "-=", "*=", "&=", "|=", "^=", "<<=", ">>=", "/=", "%="]
            };
            let op = self.pick(ops);
            let e = match op {
                "<<=" | ">>=" => self.expr(&I32, 2),
                "/=" | "%=" if t != F64 => format!("({} | 1)", self.expr(&t, 2)),
                _ => self.expr(&t, 2),
            };
            self.line(&format!("{target} {op} {e};"));
        } else if t == Str {
            let e = self.expr(&Str, 2);
            self.line(&format!("{target} = trim_ ({target} + {e});"));
        } else {
            let e = self.expr(&t, 3);
            self.line(&format!("{target} = {e};"));
        }
    }

    fn switch(&mut self, depth: u32) {
        let t = self.pick(&[I32, I32, U32, I64, U64]);
        let e = self.expr(&t, 2);
        // Signed scrutinees may be negative: `% 5` keeps the sign.
        let (scrutinee, mut values): (String, Vec<i32>) = if matches!(t, I32 | I64) && self.chance(40) {
            // (`e` may have a narrower, unsigned type: cast it back.)
            (format!("({e} as {}) % 5", self.ty_text(&t)), (-4..5).collect())
        } else {
            (format!("{e} & 7"), (0..8).collect())
        };
        self.open(&format!("switch ({scrutinee})"));
        let ncases = 1 + self.below(3);
        self.frame_mut().switches += 1;
        for _ in 0..ncases {
            let k = 1 + self.below(2);
            let mut labels = Vec::new();
            for _ in 0..k {
                if values.is_empty() {
                    break;
                }
                let i = self.below(values.len());
                labels.push(values.remove(i).to_string());
            }
            if labels.is_empty() {
                break;
            }
            self.line(&format!("case {}:", labels.join(", ")));
            self.indent += 1;
            self.push_scope();
            let n = 1 + self.below(2);
            self.statements(n, depth - 1);
            self.pop_scope();
            self.indent -= 1;
        }
        if self.chance(50) {
            self.line("default:");
            self.indent += 1;
            self.push_scope();
            self.statements(1, depth - 1);
            self.pop_scope();
            self.indent -= 1;
        }
        self.frame_mut().switches -= 1;
        self.close();
    }

    fn nested_function(&mut self, depth: u32) {
        let name = self.fresh("n");
        let nparams = self.below(3);
        let params: Vec<Ty> = (0..nparams).map(|_| self.scalar_type()).collect();
        let ret = if self.chance(25) { Void } else { self.some_type(true) };
        let sig = Sig { name: name.clone(), params: params.clone(), ret: ret.clone() };
        let class = self.frame().class;
        self.function(&sig, class, None, depth.min(2));
        self.scopes.last_mut().expect("a scope").funcs.push(sig.clone());
        if ret == Void {
            let args = self.args(&params, 2);
            self.line(&format!("{name} ({args});"));
        } else {
            let args = self.args(&params, 2);
            self.line(&format!("print {name} ({args});"));
        }
    }

    /// A function definition: header, fuel check, body, final return.
    fn function(&mut self, sig: &Sig, class: Option<usize>, overrides: Option<Sig>, depth: u32) {
        let names: Vec<String> = sig.params.iter().map(|_| self.fresh("p")).collect();
        let params: Vec<String> =
            names.iter().zip(&sig.params).map(|(n, t)| format!("{n}: {}", self.ty_text(t))).collect();
        let ret = if sig.ret == Void { String::new() } else { format!(" -> {}", self.ty_text(&sig.ret)) };
        self.open(&format!("{} ({}){ret}", sig.name, params.join(", ")));
        self.enter_function(sig.ret.clone(), class, overrides);
        for (n, t) in names.iter().zip(&sig.params) {
            self.declare(n, t.clone(), true);
        }
        self.fuel_check();
        let n = 2 + self.below(5);
        let saved = self.budget;
        self.budget = n;
        self.statements(n, depth);
        self.budget = saved.saturating_sub(n / 2);
        self.final_return();
        self.leave_function();
        self.close();
    }

    /// `@L: … if (k < K) goto L;`: a loop made of a label and a backward `goto`.
    fn goto_loop(&mut self, depth: u32) {
        let k = self.fresh("g");
        let l = self.fresh("L");
        let bound = 1 + self.below(4);
        self.line(&format!("{k} := 0;"));
        self.declare(&k, I32, false);
        self.line(&format!("@{l}:"));
        self.line(&format!("{k}++;"));
        self.line("fuel_--;");
        let n = 1 + self.below(3);
        self.push_scope();
        // The statements between the label and the jump share the label's block.
        self.statements(n, depth - 1);
        let vars = self.scopes.pop().expect("scope");
        self.scopes.last_mut().expect("scope").vars.extend(vars.vars);
        self.line(&format!("if ({k} < {bound} && fuel_ > 0) goto {l};"));
    }

    /// A recursive function that jumps out of every activation to a label of its caller.
    fn non_local_exit(&mut self, depth: u32) {
        let f = self.fresh("e");
        let l = self.fresh("L");
        let p = self.fresh("p");
        let n = self.fresh("p");
        let at = 1 + self.below(4);
        // The label travels as a `label` parameter, as an `object` cast back, or in a
        // variable the function captures (an exception handler).
        let how = self.below(3);
        let h = self.fresh("h");
        let (param, target, pass) = match how {
            0 => (format!("{p}: label"), p.clone(), format!("{p}, ")),
            1 => (format!("{p}: object"), format!("({p} as label!)"), format!("{p}, ")),
            _ => {
                self.line(&format!("{h}: label = {l};"));
                (String::new(), h.clone(), String::new())
            }
        };
        let sep = if param.is_empty() { "" } else { ", " };
        self.open(&format!("{f} ({param}{sep}{n}: int32) -> int32"));
        self.line("if (fuel_ <= 0) return 0;");
        self.line("fuel_--;");
        self.line(&format!("if ({n} <= 0) return 1;"));
        self.line(&format!("if ({n} == {at}) goto {target};"));
        self.line(&format!("return {f} ({pass}{n} - 1) * 2 + 1;"));
        self.close();
        self.open("");
        self.push_scope();
        let before = self.expr(&I32, 2);
        let arg = self.expr(&I32, 2);
        let label_arg = if how == 2 { String::new() } else { format!("{l}, ") };
        self.line(&format!("print {before} + {f} ({label_arg}({arg} & 7));"));
        let k = 1 + self.below(2);
        self.statements(k, depth - 1);
        self.pop_scope();
        self.close();
        self.line(&format!("@{l}:"));
        self.line(&format!("print \"{l}\";"));
    }

    /// The re-entry of LANGUAGE.md §6: a label of a returned activation, jumped to again.
    fn reentry(&mut self) {
        let c = self.fresh("c");
        let r = self.fresh("r");
        let f = self.fresh("F");
        let b = self.fresh("L");
        let t = self.pick(&[I32, I64, F64, Str]);
        self.line(&format!("{c} := 0;"));
        self.line(&format!("{r}: label = null;"));
        self.declare(&c, I32, false);
        let value = match t {
            Str => format!("str ({c}) + \"!\""),
            F64 => format!("{c} as double * 1.5"),
            _ => format!("{c} * 10"),
        };
        let ret = self.ty_text(&t);
        self.line(&format!("{f} () -> {ret} {{ {r} = {b}; @{b}: return {value}; }}"));
        let before = self.expr(&t, 2);
        let op = if t == Str { "+" } else { self.pick(&["+", "-", "*"]) };
        // The caller is resumed in the middle of an expression: its temporaries (`before`,
        // already evaluated) keep their values, its variables do not.
        match self.below(3) {
            0 => self.line(&format!("print {before} {op} {f} ();")),
            1 => self.line(&format!("print trim_ (str ({before}) + \"/\" + str ({f} ()));")),
            _ => {
                let v = self.fresh("v");
                self.line(&format!("{v}: {ret} = {before} {op} {f} ();"));
                self.line(&format!("print {v};"));
                self.declare(&v, t, true);
            }
        }
        self.line(&format!("{c}++;"));
        let bound = 2 + self.below(3);
        self.line(&format!("if ({c} < {bound}) goto {r};"));
    }

    /// A generator: a producer that yields by jumping out to its consumer, and is resumed
    /// by a jump back into its abandoned activation.
    fn generator(&mut self) {
        let (yv, res, ret, p, lr, k, lloop, lback, i) = (
            self.fresh("v"),
            self.fresh("r"),
            self.fresh("r"),
            self.fresh("P"),
            self.fresh("L"),
            self.fresh("c"),
            self.fresh("L"),
            self.fresh("L"),
            self.fresh("i"),
        );
        let t = self.pick(&[I32, F64, Str]);
        let n = 1 + self.below(5);
        let init = self.default_value(&t);
        self.line(&format!("{yv}: {} = {init};", self.ty_text(&t)));
        self.line(&format!("{res}: label = null;"));
        self.line(&format!("{ret}: label = null;"));
        self.open(&format!("{p} ()"));
        self.line("if (fuel_ <= 0) return;");
        self.line("fuel_--;");
        self.open(&format!("for ({i} := 0; {i} < {n} && fuel_ > 0; {i}++)"));
        self.enter_function(Void, self.frame().class, None);
        self.declare(&i, I32, false);
        let e = self.expr(&t, 2);
        self.leave_function();
        self.line(&format!("{yv} = {e};"));
        self.line(&format!("{res} = {lr};"));
        self.line(&format!("goto {ret};"));
        self.line(&format!("@{lr}:"));
        self.close();
        self.line(&format!("{res} = null;"));
        self.line(&format!("goto {ret};"));
        self.close();
        self.line(&format!("{k} := 0;"));
        self.line(&format!("@{lloop}:"));
        self.line(&format!("{ret} = {lback};"));
        self.line(&format!("if ({k} == 0) {p} (); else goto {res};"));
        self.line(&format!("@{lback}:"));
        self.line(&format!("{k}++;"));
        self.open(&format!("if ({res} != null)"));
        self.line(&format!("print {yv};"));
        self.line(&format!("if ({k} < 100) goto {lloop};"));
        self.close();
        self.declare(&yv, t, true);
    }

    /// A class nested in a function: its method reads and writes the function's variables.
    fn local_class(&mut self) {
        let k = self.fresh("K");
        let f = self.fresh("f");
        let m = self.fresh("m");
        let q = self.fresh("p");
        let o = self.fresh("v");
        let outer = self.places(&I32, true).into_iter().filter(|p| !p.contains('.')).collect::<Vec<_>>();
        self.open(&format!("class {k}"));
        self.line(&format!("{f}: int32 = 1;"));
        self.open(&format!("{m} ({q}: int32) -> int32"));
        self.line(&format!("{f} = {f} * 3 + {q};"));
        if let Some(v) = outer.first() {
            self.line(&format!("{v} = {v} + {f};"));
            self.line(&format!("return {f} + {v};"));
        } else {
            self.line(&format!("return {f};"));
        }
        self.close();
        self.close();
        self.line(&format!("{o} := new {k} ();"));
        let a = self.expr(&I32, 2);
        self.line(&format!("print {o}.{m} ({a}) + {o}.{m} (2);"));
        self.line(&format!("print {o};"));
    }

    /// Closures made in a loop each capture that iteration's variables.
    fn loop_closures(&mut self, depth: u32) {
        let keep = self.fresh("v");
        let i = self.fresh("i");
        let c = self.fresh("v");
        self.line(&format!("{keep}: fn () -> int32 = fn () -> int32 {{ return -1; }};"));
        self.declare(&keep, Fn(vec![], Box::new(I32)), true);
        let k = 2 + self.below(3);
        self.open(&format!("for ({i} := 0; {i} < {k} && fuel_ > 0; {i}++)"));
        self.line("fuel_--;");
        self.push_scope();
        self.declare(&i, I32, false);
        self.frame_mut().loops += 1;
        let e = self.expr(&I32, 2);
        self.line(&format!("{c} := {i} * 10 + ({e});"));
        self.declare(&c, I32, true);
        let pick_first = self.chance(50);
        if pick_first {
            self.line(&format!("if ({i} == 0) {keep} = fn () -> int32 {{ {c}++; return {c}; }};"));
        } else {
            self.line(&format!("{keep} = fn () -> int32 {{ {c} = {c} + 1; return {c} + {i}; }};"));
        }
        self.statements(1, depth - 1);
        self.frame_mut().loops -= 1;
        self.pop_scope();
        self.close();
        self.line(&format!("print {keep} () + {keep} ();"));
    }

    /// `is` and `as` on objects and on `object` values.
    fn casts(&mut self) {
        let n = self.classes.len();
        let c = self.below(n);
        let v = self.fresh("v");
        let e = self.new_object(c, 2);
        self.line(&format!("{v}: {} = {e};", self.classes[c].name));
        self.declare(&v, Class(c), true);
        let subs: Vec<usize> = (0..n).filter(|&k| self.related(k, c)).collect();
        let target = self.pick(&subs);
        let tn = self.classes[target].name.clone();
        self.line(&format!("print {v} is {tn};"));
        self.line(&format!("print {v} as {tn};"));
        self.open(&format!("if ({v} is {tn})"));
        self.line(&format!("print ({v} as {tn}!);"));
        self.close();
        let ob = self.fresh("v");
        let t = self.pick(&[Str, Arr(Box::new(I32)), Class(c)]);
        let e = self.expr(&t, 2);
        self.line(&format!("{ob}: object = {e};"));
        self.declare(&ob, Object, true);
        self.line(&format!("print {ob} is string;"));
        self.line(&format!("print {ob} as array[int32];"));
        self.line(&format!("print {ob} is {tn};"));
        self.line(&format!("print {ob} == {v};"));
    }

    /// One statement that stops the program with a runtime error (perhaps).
    fn runtime_error(&mut self) {
        self.error_left = false;
        let e = self.expr(&I32, 2);
        let text = match self.below(7) {
            0 => format!("print 100 / (({e}) & 0);"),
            1 => {
                let a = self.fresh("v");
                self.line(&format!("{a} := [1, 2, 3];"));
                format!("print {a}[{a}.length + ({e} & 3)];")
            }
            2 if !self.classes.is_empty() => {
                let a = self.fresh("v");
                let c = self.below(self.classes.len());
                self.line(&format!("{a} := new array[{}] (2);", self.classes[c].name));
                match self.all_methods(c).first() {
                    Some(m) => {
                        let args = self.args(&m.params.clone(), 1);
                        let print = if m.ret == Void { "" } else { "print " };
                        format!("{print}{a}[1].{} ({args});", m.name)
                    }
                    None => format!("print {a}[({e} & 1)] == {a}[0];"),
                }
            }
            3 if !self.classes.is_empty() => {
                let c = self.below(self.classes.len());
                let ob = self.fresh("v");
                let x = self.string_lit();
                self.line(&format!("{ob}: object = {x};"));
                format!("print {ob} as {}!;", self.classes[c].name)
            }
            4 => format!("print chr (256 + ({e} & 15));"),
            5 => format!("print parse_int (\"1x\" + str ({e}));"),
            _ => format!("print new array[int32] (-1 - ({e} & 7));"),
        };
        if self.chance(40) {
            let c = self.expr(&Bool, 2);
            self.open(&format!("if ({c})"));
            self.line(&text);
            self.close();
        } else {
            self.line(&text);
        }
    }

    // -- the program --------------------------------------------------------------------

    fn program(&mut self, header: &str) {
        self.line(header);
        self.error_left = self.chance(30);
        // The globals every function may touch, declared first.
        self.scopes.push(Scope::default());
        self.frames.push(Frame { ret: Void, top: true, class: None, overrides: None, loops: 0, switches: 0, base: 0 });
        let fuel = 150 + self.size * 4;
        self.line(&format!("fuel_: int32 = {fuel};"));
        for _ in 0..2 + self.below(3) {
            let t = self.scalar_type();
            let v = self.fresh("g");
            let e = self.leaf(&t);
            self.line(&format!("{v}: {} = {e};", self.ty_text(&t)));
            self.declare(&v, t, true);
        }
        self.line("trim_ (s: string) -> string {");
        self.line("    if (s.length > 24) return s.substring (0, 12) + s.substring (s.length - 12, s.length);");
        self.line("    return s;");
        self.line("}");
        for _ in 0..self.below(3) {
            let p = fn_palette();
            let f = self.pick(&p);
            let t = self.pick(&[f, Arr(Box::new(I32)), U64, Str, Arr(Box::new(Str))]);
            if !self.aliases.iter().any(|(_, a)| *a == t) {
                let a = self.fresh("T");
                self.line(&format!("type {a} = {};", self.ty_text(&t)));
                self.aliases.push((a, t));
            }
        }
        self.frames.pop();

        self.class_signatures();
        self.function_signatures();
        self.class_bodies();
        self.function_bodies();

        // The main program.
        self.frames.push(Frame { ret: Void, top: true, class: None, overrides: None, loops: 0, switches: 0, base: 0 });
        self.push_scope();
        self.budget = self.size;
        while self.budget > 0 {
            self.budget -= 1;
            self.statement(3);
        }
        self.pop_scope();
        let globals: Vec<String> = self.scopes[0].vars.iter().map(|v| v.name.clone()).collect();
        self.line("print fuel_;");
        for g in globals {
            self.line(&format!("print {g};"));
        }
        self.frames.pop();
    }

    fn class_signatures(&mut self) {
        let n = if self.size < 10 { self.below(2) } else { self.below(4) + usize::from(self.size > 30) };
        for k in 0..n {
            let name = self.fresh("C");
            let parent = if k > 0 && self.chance(60) { Some(self.below(k)) } else { None };
            self.classes.push(Class { name, parent, fields: Vec::new(), methods: Vec::new(), init: None });
            for _ in 0..1 + self.below(3) {
                let t = self.some_type(false);
                let t = if k > 0 && self.chance(15) { Class(self.below(k)) } else { t };
                let f = self.fresh("f");
                self.classes[k].fields.push((f, t));
            }
            if let Some(p) = parent {
                for m in self.all_methods(p) {
                    if self.chance(60) {
                        self.classes[k].methods.push(m);
                    }
                }
            }
            for _ in 0..self.below(3) + usize::from(parent.is_none()) {
                let nparams = self.below(3);
                let params: Vec<Ty> = (0..nparams).map(|_| self.some_type(true)).collect();
                let ret = if self.chance(20) { Void } else { self.some_type(true) };
                let name = self.fresh("m");
                self.classes[k].methods.push(Sig { name, params, ret });
            }
            if self.chance(60) {
                let nparams = self.below(3);
                let ps: Vec<Ty> = (0..nparams).map(|_| self.scalar_type()).collect();
                self.classes[k].init = Some(ps);
            }
        }
    }

    fn function_signatures(&mut self) {
        let n = 1 + self.size / 12 + self.below(2);
        for _ in 0..n {
            let name = self.fresh("f");
            let nparams = self.below(4);
            let params: Vec<Ty> = (0..nparams).map(|_| self.some_type(true)).collect();
            let ret = if self.chance(20) { Void } else { self.some_type(true) };
            self.funcs.push(Sig { name, params, ret });
        }
        if self.chance(50) {
            // A tail-recursive function, run deep: constant stack space. Nothing else calls
            // it: it spends no fuel.
            let name = self.fresh("t");
            let depth = self.pick(&[10, 1000, 20000]);
            self.tails.push((name, depth));
        }
    }

    fn class_bodies(&mut self) {
        for k in 0..self.classes.len() {
            let c = &self.classes[k];
            let header = match c.parent {
                Some(p) => format!("class {} : {}", c.name, self.classes[p].name),
                None => format!("class {}", c.name),
            };
            self.open(&header);
            self.with_globals_only(|g| {
                g.frames.push(Frame {
                    ret: Void,
                    top: false,
                    class: None,
                    overrides: None,
                    loops: 0,
                    switches: 0,
                    base: 1,
                });
                for (f, t) in g.classes[k].fields.clone() {
                    let e = match &t {
                        Class(_) | Fn(..) => g.default_value(&t),
                        _ => g.leaf(&t),
                    };
                    g.line(&format!("{f}: {} = {e};", g.ty_text(&t)));
                }
                g.frames.pop();
                if let Some(ps) = g.classes[k].init.clone() {
                    let names: Vec<String> = ps.iter().map(|_| g.fresh("p")).collect();
                    let params: Vec<String> =
                        names.iter().zip(&ps).map(|(n, t)| format!("{n}: {}", g.ty_text(t))).collect();
                    g.open(&format!("init ({})", params.join(", ")));
                    g.enter_function(Void, Some(k), None);
                    for (n, t) in names.iter().zip(&ps) {
                        g.declare(n, t.clone(), true);
                    }
                    // `super.init`'s arguments may make objects whose `init` makes this one.
                    g.fuel_check();
                    if let Some(p) = g.classes[k].parent
                        && g.has_init(p)
                    {
                        let pps = g.init_params(p);
                        let args = g.args(&pps, 1);
                        g.line(&format!("super.init ({args});"));
                    }
                    let fields = g.classes[k].fields.clone();
                    for (f, t) in fields {
                        if let Some((n, _)) = names.iter().zip(&ps).find(|(_, pt)| **pt == t) {
                            g.line(&format!("this.{f} = {n};"));
                        }
                    }
                    g.leave_function();
                    g.close();
                }
                for m in g.classes[k].methods.clone() {
                    let overridden =
                        g.classes[k].parent.and_then(|p| g.all_methods(p).into_iter().find(|x| x.name == m.name));
                    g.budget = 6;
                    g.function(&m, Some(k), overridden, 2);
                }
            });
            self.close();
        }
    }

    fn function_bodies(&mut self) {
        for f in self.funcs.clone() {
            self.with_globals_only(|g| {
                g.budget = 6;
                g.function(&f, None, None, 2);
            });
        }
        for (name, depth) in self.tails.clone() {
            let (n, acc) = (self.fresh("p"), self.fresh("p"));
            let k = self.int_value_raw();
            self.open(&format!("{name} ({n}: int32, {acc}: int64) -> int64"));
            self.line(&format!("if ({n} <= 0) return {acc};"));
            self.line(&format!("goto {name} ({n} - 1, {acc} * 3 + {n} + {k});"));
            self.close();
            self.line(&format!("print {name} ({depth}, 1);"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_program() {
        assert_eq!(generate(7, 40), generate(7, 40));
        assert_ne!(generate(7, 40), generate(8, 40));
    }

    #[test]
    fn common_int_follows_the_definition() {
        assert_eq!(Gen::common_int(&I32, &U32), Some(I64));
        assert_eq!(Gen::common_int(&U32, &U64), Some(U64));
        assert_eq!(Gen::common_int(&I32, &I32), Some(I32));
        assert_eq!(Gen::common_int(&I64, &U64), None);
        assert_eq!(Gen::common_int(&I32, &U64), None);
    }
}
