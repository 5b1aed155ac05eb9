//! Parser and AST-dump tests: exact dumps for every construct, error recovery, and hostile
//! inputs that must never panic or overflow the stack.

use oort_syntax::{SourceFile, parse, print};

/// The AST dump followed by one `error line:col: message` line per diagnostic.
mod common;

fn dump(src: &str) -> String {
    let file = SourceFile::new("t.oort", src);
    let (ast, diags) = parse(&file);
    let out = print::ast_to_string(&ast, &file, &|_| None);
    common::with_errors(&file, out, diags)
}

#[track_caller]
fn check(src: &str, expected: &str) {
    common::assert_dump(&dump(src), expected);
}

#[test]
fn precedence() {
    check(
        "a == b & c;\n-x as int64;\na = b = c;\nc ? a : b ? d : e;\nx++ + ++y;\n",
        r#"
main @1:1
  expr @1:1
    binary == @1:1
      name a @1:1
      binary & @1:6
        name b @1:6
        name c @1:10
  expr @2:1
    as int64 @2:1
      unary - @2:1
        name x @2:2
  expr @3:1
    assign = @3:1
      name a @3:1
      assign = @3:5
        name b @3:5
        name c @3:9
  expr @4:1
    cond @4:1
      name c @4:1
      name a @4:5
      cond @4:9
        name b @4:9
        name d @4:13
        name e @4:17
  expr @5:1
    binary + @5:1
      postinc @5:1
        name x @5:1
      preinc @5:7
        name y @5:9
"#,
    );
}

#[test]
fn precedence_levels() {
    check(
        "a || b && c | d ^ e & f << g + h * i;\na < b == c >= d != e;\na * b / c % d - e;\n!a is C;\nx += y -= 2;\na.b.c (1)[2]--;\n~-x;\n(a + b) * c;\n",
        r#"
main @1:1
  expr @1:1
    binary || @1:1
      name a @1:1
      binary && @1:6
        name b @1:6
        binary | @1:11
          name c @1:11
          binary ^ @1:15
            name d @1:15
            binary & @1:19
              name e @1:19
              binary << @1:23
                name f @1:23
                binary + @1:28
                  name g @1:28
                  binary * @1:32
                    name h @1:32
                    name i @1:36
  expr @2:1
    binary != @2:1
      binary == @2:1
        binary < @2:1
          name a @2:1
          name b @2:5
        binary >= @2:10
          name c @2:10
          name d @2:15
      name e @2:20
  expr @3:1
    binary - @3:1
      binary % @3:1
        binary / @3:1
          binary * @3:1
            name a @3:1
            name b @3:5
          name c @3:9
        name d @3:13
      name e @3:17
  expr @4:1
    is C @4:1
      unary ! @4:1
        name a @4:2
  expr @5:1
    assign += @5:1
      name x @5:1
      assign -= @5:6
        name y @5:6
        int 2 @5:11
  expr @6:1
    postdec @6:1
      index @6:1
        call @6:1
          member c @6:1
            member b @6:1
              name a @6:1
          int 1 @6:8
        int 2 @6:11
  expr @7:1
    unary ~ @7:1
      unary - @7:2
        name x @7:3
  expr @8:1
    binary * @8:1
      binary + @8:2
        name a @8:2
        name b @8:6
      name c @8:11
"#,
    );
}

#[test]
fn declarations() {
    check(
        r#"x: int32;
y: int32 = 3;
a, b: int32 = 4, 5;
z := y + 1;
u, v := 1, "s";
type int_fn = fn (int32, string) -> void;
n: array[int32]! = new array[int32] (10);
g: (fn (int32) -> int32)! = f;
s: string!= null;
add (a: int32, b: int32) -> int32 { return a + b; }
hello () { print "hi"; }
answer -> int32 { return 42; }
"#,
        r#"
main @1:1
  var x: int32 @1:1
  var y: int32 @2:1
    int 3 @2:12
  vars @3:1
    var a: int32 @3:1
      int 4 @3:15
    var b: int32 @3:4
      int 5 @3:18
  var z @4:1
    binary + @4:6
      name y @4:6
      int 1 @4:10
  vars @5:1
    var u @5:1
      int 1 @5:9
    var v @5:4
      string "s" @5:12
  type int_fn = fn (int32, string) -> void @6:1
  var n: array[int32]! @7:1
    newarray int32 @7:20
      int 10 @7:38
  var g: (fn (int32) -> int32)! @8:1
    name f @8:29
  var s: string! @9:1
    null @9:13
  func add (a: int32, b: int32) -> int32 @10:1
    return @10:37
      binary + @10:44
        name a @10:44
        name b @10:48
  func hello () @11:1
    print @11:12
      string "hi" @11:18
  func answer () -> int32 @12:1
    return @12:19
      int 42 @12:26
"#,
    );
}

#[test]
fn statements() {
    check(
        r#"{ }
;
print 1;
if (a) b; else { c; }
if (a) if (b) c; else d;
while (i < 10) i++;
do { i--; } while (i > 0);
for (i := 0; i < n; i++) continue;
for (i = 0; ; ) break;
for (;;) { }
for (i, j: int32 = 0, 1; i < j;) return;
return 1;
switch (x) {
case 1, 2: print 1;
case 3:
default: print 2; break;
}
@top: goto top;
goto f (1);
"#,
        r#"
main @1:1
  block @1:1
  empty @2:1
  print @3:1
    int 1 @3:7
  if @4:1
    name a @4:5
    expr @4:8
      name b @4:8
    else
      block @4:16
        expr @4:18
          name c @4:18
  if @5:1
    name a @5:5
    if @5:8
      name b @5:12
      expr @5:15
        name c @5:15
      else
        expr @5:23
          name d @5:23
  while @6:1
    binary < @6:8
      name i @6:8
      int 10 @6:12
    expr @6:16
      postinc @6:16
        name i @6:16
  dowhile @7:1
    block @7:4
      expr @7:6
        postdec @7:6
          name i @7:6
    binary > @7:20
      name i @7:20
      int 0 @7:24
  for @8:1
    init
      var i @8:6
        int 0 @8:11
    cond
      binary < @8:14
        name i @8:14
        name n @8:18
    step
      postinc @8:21
        name i @8:21
    continue @8:26
  for @9:1
    init
      expr @9:6
        assign = @9:6
          name i @9:6
          int 0 @9:10
    break @9:17
  for @10:1
    block @10:10
  for @11:1
    init
      vars @11:6
        var i: int32 @11:6
          int 0 @11:20
        var j: int32 @11:9
          int 1 @11:23
    cond
      binary < @11:26
        name i @11:26
        name j @11:30
    return @11:34
  return @12:1
    int 1 @12:8
  switch @13:1
    name x @13:9
    case @14:1
      int 1 @14:6
      int 2 @14:9
      print @14:12
        int 1 @14:18
    case @15:1
      int 3 @15:6
    default @16:1
      print @16:10
        int 2 @16:16
      break @16:19
  label top @18:1
  goto @18:7
    name top @18:12
  goto @19:1
    call @19:6
      name f @19:6
      int 1 @19:9
"#,
    );
}

#[test]
fn lambdas_and_literals() {
    check(
        r#"f := fn (x: int32) -> int32 { return x * 2; };
g := fn () { print 1; };
fn (x: int32) { } (3);
h := [fn () -> int32 { return 1; }, null, this, true, 1.5, "a\tb\x01",];
"#,
        r#"
main @1:1
  var f @1:1
    lambda (x: int32) -> int32 @1:6
      return @1:31
        binary * @1:38
          name x @1:38
          int 2 @1:42
  var g @2:1
    lambda () @2:6
      print @2:14
        int 1 @2:20
  expr @3:1
    call @3:1
      lambda (x: int32) @3:1
      int 3 @3:20
  var h @4:1
    array @4:6
      lambda () -> int32 @4:7
        return @4:24
          int 1 @4:31
      null @4:37
      this @4:43
      bool true @4:49
      double 1.5 @4:55
      string "a\tb\x01" @4:60
"#,
    );
}

#[test]
fn classes() {
    check(
        r#"class Point {
    x: double;  y: double;
    init (x: double, y: double) { this.x = x; this.y = y; }
}
class Point3 : Point {
    z: double = 0.0;
    a, b: int32 = 1, 2;
    init (x: double, y: double, z: double) { super.init (x, y); }
    tag -> string { return "p3"; }
}
p: Point = new Point3 (1.0, 2.0, 2.0);
q := p as Point3!;
"#,
        r#"
main @1:1
  class Point @1:1
    field x: double @2:5
    field y: double @2:17
    method init (x: double, y: double) @3:5
      expr @3:35
        assign = @3:35
          member x @3:35
            this @3:35
          name x @3:44
      expr @3:47
        assign = @3:47
          member y @3:47
            this @3:47
          name y @3:56
  class Point3 : Point @5:1
    field z: double @6:5
      double 0.0 @6:17
    field a: int32 @7:5
      int 1 @7:19
    field b: int32 @7:8
      int 2 @7:22
    method init (x: double, y: double, z: double) @8:5
      expr @8:46
        call @8:46
          super init @8:46
          name x @8:58
          name y @8:61
    method tag () -> string @9:5
      return @9:21
        string "p3" @9:28
  var p: Point @11:1
    new Point3 @11:12
      double 1.0 @11:24
      double 2.0 @11:29
      double 2.0 @11:34
  var q @12:1
    as Point3! @12:6
      name p @12:6
"#,
    );
}

#[test]
fn ast_shapes() {
    let file = SourceFile::new("t.oort", "x, y: int32 = 1, 2;\nf (a: int32) { }\n");
    let (ast, diags) = parse(&file);
    assert!(diags.is_empty());
    let main = ast.func(ast.main);
    assert_eq!(main.kind, oort_syntax::ast::FuncKind::Main);
    assert_eq!(main.body.len(), 2);
    let oort_syntax::ast::StmtKind::VarDecl(decls) = &ast.stmt(main.body[0]).kind else { panic!() };
    assert_eq!(decls[0].ty, decls[1].ty, "one type node shared by the variables");
    let oort_syntax::ast::StmtKind::Func(f) = &ast.stmt(main.body[1]).kind else { panic!() };
    let f = ast.func(*f);
    assert_eq!(file.slice(f.span), "f (a: int32) { }");
    assert_eq!(file.slice(f.end_span), "}");
}

#[test]
fn annotations_and_convert() {
    let file = SourceFile::new("t.oort", "x := 1 + 2;\n");
    let (mut ast, _) = parse(&file);
    let oort_syntax::ast::StmtKind::VarDecl(decls) = &ast.stmt(ast.func(ast.main).body[0]).kind else { panic!() };
    let init = decls[0].init.unwrap();
    let span = ast.expr(init).span;
    let conv = ast.alloc_expr(oort_syntax::ast::ExprKind::Convert(init), span);
    let annot = move |id| Some(if id == conv { "int64".to_string() } else { "int32".to_string() });
    let mut out = print::ast_to_string(&ast, &file, &annot);
    out.push_str("--\n");
    // Print the conversion node itself by swapping it in.
    if let oort_syntax::ast::StmtKind::VarDecl(decls) = &mut ast.stmts[ast.funcs[ast.main].body[0]].kind {
        decls[0].init = Some(conv);
    }
    out += &print::ast_to_string(&ast, &file, &annot);
    assert_eq!(
        out,
        "main @1:1\n  var x @1:1\n    binary + @1:6 : int32\n      int 1 @1:6 : int32\n      int 2 @1:10 : int32\n--\n\
         main @1:1\n  var x @1:1\n    convert @1:6 : int64\n      binary + @1:6 : int32\n        int 1 @1:6 : int32\n        int 2 @1:10 : int32\n"
    );
}

// ------------------------------------------------------------------ errors

#[test]
fn three_errors_three_reports() {
    check(
        "x := 1 +;\ny: int32 = ;\nprint (1;\nz := 3;\n",
        r#"
main @1:1
  error @1:1
  error @2:1
  error @3:1
  var z @4:1
    int 3 @4:6
error 1:9: expected an expression, found `;`
error 2:12: expected an expression, found `;`
error 3:9: expected `)`, found `;`
"#,
    );
}

#[test]
fn errors_in_nested_statements() {
    check(
        "if (x y) { print 1; }\nwhile (true) { a b; c; }\nf (a: ) -> int32 { return 1; }\nprint 2;\n",
        r#"
main @1:1
  error @1:1
  while @2:1
    bool true @2:8
    block @2:14
      error @2:16
      expr @2:21
        name c @2:21
  error @3:1
  print @4:1
    int 2 @4:7
error 1:7: expected `)`, found `y`
error 2:18: expected `;`, found `b`
error 3:7: expected a type, found `)`
"#,
    );
}

#[test]
fn missing_semicolon_before_new_line_or_brace() {
    check(
        "a := 1\nb := 2;\n{ c := 3 }\n",
        r#"
main @1:1
  var a @1:1
    int 1 @1:6
  var b @2:1
    int 2 @2:6
  block @3:1
    var c @3:3
      int 3 @3:8
error 2:1: expected `;`, found `b`
error 3:10: expected `;`, found `}`
"#,
    );
}

#[test]
fn class_and_switch_recovery() {
    check(
        "class C { x: int32 y: int32; m () { } 5; n := 1; }\nswitch (x) { print 1; case 1 2: print 2; default: }\n",
        r#"
main @1:1
  class C @1:1
    method m () @1:30
    field n: <error> @1:42
      int 1 @1:47
  switch @2:1
    name x @2:9
    case @2:23
      int 1 @2:28
      print @2:33
        int 2 @2:39
    default @2:42
error 1:20: expected `;`, found `y`
error 1:39: expected a field or method declaration, found `5`
error 1:44: a field needs a declared type: write `name: T = value`
error 2:14: expected `case`, `default` or `}`, found `print`
error 2:30: expected `:`, found `2`
"#,
    );
}

#[test]
fn stray_tokens() {
    check(
        "}\ncase 1: print 1;\nelse print 2;\n{ print 3;\n",
        r#"
main @1:1
  error @2:1
  print @2:9
    int 1 @2:15
  error @3:1
  print @3:6
    int 2 @3:12
  block @4:1
    print @4:3
      int 3 @4:9
error 1:1: unexpected `}` with no matching `{`
error 2:1: expected an expression, found `case`
error 3:1: expected an expression, found `else`
error 5:1: expected `}`, found end of file
"#,
    );
}

#[test]
fn initializer_count_mismatch() {
    check(
        "x, y: int32 = 1;\na, b := 1, 2, 3;\n",
        r#"
main @1:1
  vars @1:1
    var x: int32 @1:1
      int 1 @1:15
    var y: int32 @1:4
      error @1:4
  vars @2:1
    var a @2:1
      int 1 @2:9
    var b @2:4
      int 2 @2:12
error 1:13: 2 variables declared but 1 initial value given
error 2:6: 2 variables declared but 3 initial values given
"#,
    );
}

#[test]
fn lexer_errors_do_not_cascade() {
    check(
        "x := \"abc\nprint 1;\na $ b;\ny := #\u{20ac} 1;\n",
        r#"
main @1:1
  var x @1:1
    string "abc" @1:6
  print @2:1
    int 1 @2:7
  error @3:1
  var y @4:1
    int 1 @4:9
error 1:6: unterminated string literal
error 3:3: unexpected character `$`
error 4:6: unexpected characters starting with `#`
"#,
    );
}

// ------------------------------------------------------------------ hostile inputs

/// Runs `f` on a thread with a 2 MiB stack (the default for test threads), as a debug
/// build of the compiler would.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap()
}

/// Parses and dumps `src` on a 2 MiB stack; returns the error messages.
fn errors_on_small_stack(src: String) -> Vec<String> {
    on_small_stack(move || {
        let file = SourceFile::new("t.oort", src);
        let (ast, diags) = parse(&file);
        let _ = print::ast_to_string(&ast, &file, &|_| Some(String::new()));
        diags.into_iter().map(|d| d.message).collect()
    })
}

#[test]
fn deep_nesting_is_one_error() {
    const N: usize = 100_000;
    let wrap = |open: &str, inner: &str, close: &str| format!("{}{inner}{}", open.repeat(N), close.repeat(N));
    let cases = [
        format!("x := {};", wrap("(", "1", ")")),
        wrap("{", "", "}"),
        format!("x := {};", wrap("[", "1", "]")),
        format!("x := {};", wrap("f (", "1", ")")),
        format!("x := {};", wrap("a[", "1", "]")),
        format!("x := {};", wrap("new C (", "1", ")")),
        format!("x := {};", wrap("-(", "1", ")")),
        format!("x := {};", wrap("a ? (", "1", ") : 2")),
        format!("x := {};", wrap("a ? 1 : (", "1", ")")),
        format!("x := {};", wrap("a = (", "1", ")")),
        format!("x := {};", wrap("a || b && c == d < e | f ^ g & h << i + j * (", "1", ")")),
        wrap("f (fn () { return ", "1", "; });"),
        wrap("if (a) ", "x;", ""),
        wrap("for (;;) ", "x;", ""),
        wrap("switch (x) { case 1: ", "", "}"),
        wrap("class C { m () { ", "", "} }"),
        format!("x: {};", wrap("array[", "int32", "]")),
        format!("x: {};", wrap("fn () -> ", "int32", "")),
        // Unclosed.
        format!("x := {}", "(".repeat(N)),
        "{".repeat(N),
        // Long chains: shallow to parse, but the tree would be deep.
        format!("x := 1{};", " + 1".repeat(N)),
        format!("x := {}1;", "- ".repeat(N)),
        format!("x := {}1;", "a = ".repeat(N)),
        format!("x := {}1;", "a ? b : ".repeat(N)),
        format!("x := a{};", ".b".repeat(N)),
        format!("x := f{};", "()".repeat(N)),
        format!("x := a{};", " as T".repeat(N)),
    ];
    for (i, src) in cases.into_iter().enumerate() {
        assert_eq!(errors_on_small_stack(src), ["nesting too deep"], "case {i}");
    }
}

#[test]
fn nesting_just_below_the_limit_is_fine() {
    const N: usize = 990;
    let wrap = |open: &str, inner: &str, close: &str| format!("{}{inner}{}", open.repeat(N), close.repeat(N));
    let cases = [
        format!("x := {};", wrap("(", "1", ")")),
        wrap("{", "", "}"),
        format!("x := {};", wrap("f (", "1", ")")),
        format!("x := {};", wrap("new C (", "1", ")")),
        format!("x := {};", wrap("a ? 1 : (", "1", ")")),
        format!("x := {};", wrap("a = (", "1", ")")),
        format!("x := {};", wrap("a[", "1", "]")),
        wrap("if (a) ", "x;", ""),
        format!("x := 1{};", " + 1".repeat(N)),
        format!("x := {}1;", "- ".repeat(N)),
    ];
    for (i, src) in cases.into_iter().enumerate() {
        assert_eq!(errors_on_small_stack(src), Vec::<String>::new(), "case {i}");
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PROGRAM: &str = r#"fib (n: int32) -> int32 {
    if (n < 2) return n;
    return fib (n - 1) + fib (n - 2);
}
class P : Q { x, y: int32 = 1, 2; init (a: int32) { super.init (); } m -> int32 { return x; } }
f := fn (x: int32) -> fn (int32) -> int32 { return fn (y: int32) -> int32 { return x + y; }; };
for (i := 0; i < 10; i++) { switch (i) { case 1, 2: print "a\n"; default: break; } }
@l: goto l; a[i] += b as int64!; c := [1, 2.5e-3, 0x7f]; do x--; while (x > 0);
"#;

#[test]
fn random_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Random bytes.
    for _ in 0..300 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = dump(&String::from_utf8_lossy(&bytes));
    }
    // Random soups of tokens.
    let words: Vec<&str> = PROGRAM.split_whitespace().collect();
    let pieces = ["(", ")", "{", "}", "[", "]", ";", ",", ":", ":=", "->", "@", "?", "!", "=", "fn", "class", "case"];
    for _ in 0..2000 {
        let len = rng.below(40);
        let mut src = String::new();
        for _ in 0..len {
            let w = if rng.below(3) == 0 { pieces[rng.below(pieces.len())] } else { words[rng.below(words.len())] };
            src.push_str(w);
            src.push(' ');
        }
        let _ = dump(&src);
    }
    // Every prefix and every one-character deletion of a valid program.
    assert!(!dump(PROGRAM).contains("error"), "{}", dump(PROGRAM));
    for i in 0..PROGRAM.len() {
        if PROGRAM.is_char_boundary(i) {
            let _ = dump(&PROGRAM[..i]);
            let mut s = PROGRAM.to_string();
            s.remove(i);
            let _ = dump(&s);
        }
    }
}

#[test]
fn huge_literals() {
    let digits = "9".repeat(1000);
    check(
        &format!("x := {digits};\ny := {digits}.5;\n"),
        r#"
main @1:1
  var x @1:1
    int 0 @1:6
  var y @2:1
    double 0.0 @2:6
error 1:6: integer literal too large
error 2:6: double literal out of range
"#,
    );
}
