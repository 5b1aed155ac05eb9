//! Unit tests of `symbol` and `typecheck`: exact diagnostics and pinned dumps.

use crate::*;
use oort_syntax::SourceFile;

/// Parses and checks `src`; returns `line:col message` of every diagnostic of the two
/// passes (parse errors make the test fail).
fn diags(src: &str) -> Vec<String> {
    let file = SourceFile::new("t.oort", src);
    let (mut ast, pd) = oort_syntax::parse(&file);
    assert!(pd.is_empty(), "parse errors: {pd:?}");
    let (mut sema, mut ds) = resolve(&ast);
    ds.extend(typecheck(&mut ast, &mut sema));
    assert_eq!(sema.expr_ty.len(), ast.exprs.len());
    ds.iter()
        .map(|d| {
            let (l, c) = file.line_col(d.span.lo);
            format!("{l}:{c} {}", d.message)
        })
        .collect()
}

fn dumps(src: &str) -> (String, String) {
    let file = SourceFile::new("t.oort", src);
    let (mut ast, pd) = oort_syntax::parse(&file);
    assert!(pd.is_empty(), "parse errors: {pd:?}");
    let (mut sema, ds) = resolve(&ast);
    assert!(ds.is_empty(), "{ds:?}");
    let ds = typecheck(&mut ast, &mut sema);
    assert!(ds.is_empty(), "{ds:?}");
    (dump_symbols(&ast, &sema, &file), dump_types(&ast, &sema, &file))
}

fn ok(src: &str) {
    assert_eq!(diags(src), Vec::<String>::new(), "{src}");
}

fn err(src: &str, expected: &[&str]) {
    assert_eq!(diags(src), expected, "{src}");
}

/// The typed dump of a single-line program (header left off).
fn typed(src: &str) -> String {
    let (_, t) = dumps(src);
    t.lines().skip_while(|l| l.starts_with("func ")).collect::<Vec<_>>().join("\n")
}

// ------------------------------------------------------------------ symbol: errors

#[test]
fn undefined_name() {
    err("print x;", &["1:7 undefined name `x`"]);
    err("f () { g (); }", &["1:8 undefined name `g`"]);
}

#[test]
fn duplicate_names() {
    err("x: int32; x: int32;", &["1:11 duplicate name `x` in this scope"]);
    err("f () {} f () {}", &["1:9 duplicate name `f` in this scope"]);
    err("f (a: int32, a: int32) {}", &["1:14 duplicate name `a` in this scope"]);
    err("f (a: int32) { a: int32; }", &["1:16 duplicate name `a` in this scope"]);
    err("x: int32; x () {}", &["1:1 duplicate name `x` in this scope"]);
    err("type t = int32; type t = int64;", &["1:22 duplicate type name `t` in this scope"]);
    err("x, x: int32 = 1, 2;", &["1:4 duplicate name `x` in this scope"]);
}

#[test]
fn java_rule() {
    err("x: int32 = 1; { x: int32 = 2; }", &["1:17 `x` is already declared in an enclosing scope of this function"]);
    err(
        "f (a: int32) { if (a > 0) { a := 2; } }",
        &["1:29 `a` is already declared in an enclosing scope of this function"],
    );
    err(
        "for (i := 0; i < 3; i++) { i := 1; }",
        &["1:28 `i` is already declared in an enclosing scope of this function"],
    );
    // Shadowing names of enclosing functions and built-ins is fine.
    ok("x: int32 = 1; f () { x: double = 2.0; print x; } f ();");
    ok("sqrt := 3; print sqrt;");
    ok("f (x: int32) {} x: int32 = 1; print x;");
    // Sibling blocks may reuse a name; so may a block before the outer declaration.
    ok("{ x := 1; print x; } { x := 2; print x; } x := 3; print x;");
}

#[test]
fn use_before_declaration() {
    err("print x; x := 1;", &["1:7 cannot use `x` before its declaration"]);
    err("x := 1; f () { print x; x := 2; }", &["1:22 cannot use `x` before its declaration"]);
    err("x := x + 1;", &["1:6 cannot use `x` before its declaration"]);
    err("f () { print y; } y := 1;", &["1:14 cannot use `y` before its declaration"]);
}

#[test]
fn hoisting_and_mutual_recursion() {
    ok("print even (10);\n\
        even (n: int32) -> bool { if (n == 0) return true; return odd (n - 1); }\n\
        odd (n: int32) -> bool { if (n == 0) return false; return even (n - 1); }");
    ok("f () { g (); g () { h (); } h () {} }");
    ok("x: t = 3; type t = int64;");
}

#[test]
fn break_continue() {
    err("break;", &["1:1 `break` outside of a loop or `switch`"]);
    err("continue;", &["1:1 `continue` outside of a loop"]);
    err("while (true) { f () { break; } }", &["1:23 `break` outside of a loop or `switch`"]);
    err("x := 1; switch (x) { case 1: continue; }", &["1:30 `continue` outside of a loop"]);
    ok("while (true) { if (true) break; else continue; }");
    ok("for (;;) { x := 1; switch (x) { case 1: continue; default: break; } }");
    ok("do { break; } while (true);");
}

#[test]
fn labels() {
    ok("@top: print 1; goto top;");
    ok("goto end; print 1; @end:");
    ok("x: label = here; @here: goto x;");
    ok("f () { goto out; } f (); @out:");
    ok("g () -> label { @l: return l; } goto g ();");
    ok("{ @a: } { @a: }");
    ok("h () { @a: goto a; } @a: goto a;");
    err("@a: @a: ;", &["1:6 duplicate name `a` in this scope"]);
    err("goto nope;", &["1:6 undefined name `nope`"]);
    err("x := 1; @x: ;", &["1:1 duplicate name `x` in this scope"]);
    err("{ goto inner; } { @inner: }", &["1:8 undefined name `inner`"]);
    err("goto 5;", &["1:6 `goto` needs a label, found `int32`"]);
    err("@a: a = null;", &["1:5 cannot assign to a label"]);
    err("if (true) @a: ;", &["1:11 a declaration is not allowed here; put it in a block `{ … }`"]);
    err("l: label! = null;", &["1:13 mismatched types: expected `label!`, found `null`"]);
}

#[test]
fn class_errors() {
    err("f () { print this; }", &["1:14 `this` can only be used in a method"]);
    err("class C { m () { super.m (); } }", &["1:18 `super` used in class `C`, which has no superclass"]);
    ok("s := \"a\"; print s is string; t := s as string; u := s as string!; print t == u;");
    ok("o: object = \"a\"; print o is string; s := o as string!; a := o as array[double]; print s; print a;");
    err(
        "class C {} c: C = null; print c is string;",
        &["1:31 cannot test a value of type `C` with `is string`: `C` and `string` have no values in common"],
    );
    err(
        "s := \"a\"; t := s as array[int32];",
        &[
            "1:16 cannot convert `string` to `array[int32]` with `as`: `string` and `array[int32]` have no values in common",
        ],
    );
    err("o: object = null; print o is int32;", &["1:30 `is` needs a reference type, found `int32`"]);
    err(
        "o: object = null; a := o as array[string];",
        &[
            "1:24 cannot convert `object` to `array[string]` with `as`: an array does not record the type of its references at run time",
        ],
    );
    err("class C {} x: C! = null;", &["1:20 mismatched types: expected `C!`, found `null`"]);
    err("class A : B {} class B : A {}", &["1:22 class `B` inherits from itself"]);
    err("x := new int32 ();", &["1:10 `new` needs a class, found `int32`"]);
    err("class C { x: int32; x () {} }", &["1:21 duplicate member `x` in class `C`"]);
    err("class C { init (a: int32) {} } c := new C ();", &["1:37 `new C` takes 1 argument but 0 were given"]);
}

#[test]
fn declaration_as_body() {
    err("if (true) x := 1;", &["1:11 a declaration is not allowed here; put it in a block `{ … }`"]);
}

// ------------------------------------------------------------------ symbol: captures

#[test]
fn captured_and_uses_outer() {
    let (s, _) = dumps(
        "x := 1;\n\
         f () -> int32 { return x; }\n\
         g () -> int32 { return f (); }\n\
         h () -> int32 { y := 2; k () -> int32 { return y; } return k (); }\n\
         print g () + h ();",
    );
    assert_eq!(
        s,
        "scope s0 body main
  v0 x @1:1 local captured
  func f @2:1 () uses_outer
  func g @3:1 () uses_outer
  func h @4:1 ()
  scope s1 body f
  scope s2 body g
  scope s3 body h
    v1 y @4:17 local captured
    func k @4:25 () uses_outer
    scope s4 body k
names
  2:24 x -> v0
  3:24 f -> func f
  4:48 y -> v1
  4:60 k -> func k
  5:7 g -> func g
  5:14 h -> func h
"
    );
}

#[test]
fn uses_outer_is_transitive() {
    let (s, _) = dumps(
        "f () {\n\
           a := 1;\n\
           g () { h (); }\n\
           h () { print a; }\n\
           k () { m () { g (); } m (); }\n\
           k ();\n\
         }\n\
         f ();",
    );
    let outer: Vec<&str> = s.lines().filter(|l| l.trim_start().starts_with("func ")).collect();
    assert_eq!(
        outer,
        [
            "  func f @1:1 ()",
            "    func g @3:1 () uses_outer",
            "    func h @4:1 () uses_outer",
            "    func k @5:1 () uses_outer",
            "      func m @5:8 () uses_outer",
        ]
    );
}

#[test]
fn lambda_capture() {
    let (s, _) = dumps("n := 2; f := fn (x: int32) -> int32 { return x * n; }; print f (3);");
    assert!(s.contains("v0 n @1:1 local captured"), "{s}");
    assert!(s.contains("func lambda@1:14 @1:14 (v1 x) uses_outer"), "{s}");
    // A lambda that creates another lambda needing an outer variable needs it too.
    let (s, _) = dumps("n := 2; f := fn () -> fn () -> int32 { return fn () -> int32 { return n; }; }; print f () ();");
    assert!(s.contains("func lambda@1:14 @1:14 () uses_outer"), "{s}");
}

#[test]
fn scopes_of_for_and_switch() {
    let (s, _) = dumps("for (i := 0; i < 2; i++) { j := i; } switch (3) { case 1: a := 1; default: b := 2; }");
    assert_eq!(
        s.lines().take(8).collect::<Vec<_>>(),
        [
            "scope s0 body main",
            "  scope s1 for",
            "    v0 i @1:6 local",
            "    scope s2 block",
            "      v1 j @1:28 local",
            "  scope s3 case 0",
            "    v2 a @1:59 local",
            "  scope s4 case 1",
        ]
    );
}

// ------------------------------------------------------------------ typecheck: accepted

#[test]
fn literal_adaptation() {
    ok("u: uint32 = 4000000000; v: uint64 = 18446744073709551615; w: int64 = 5;");
    ok("x: int32 = -2147483648; y: int64 = -9223372036854775808;");
    ok("u: uint32 = 1; v := u + 1; w: uint32 = v; z: uint32 = 1 + u;");
    ok("f (a: uint64) {} f (7);");
    ok("x: int64 = 1 << 40; u: uint64 = 3; u = u * 2;");
    ok("big := 3000000000; y: int64 = big;");
    ok("huge := 18446744073709551615; z: uint64 = huge;");
    assert_eq!(
        typed("u: uint32 = 1; print u + 1;"),
        "main @1:1
  var u: uint32 @1:1
    int 1 @1:13 : uint32
  print @1:16
    binary + @1:22 : uint32
      name u @1:22 : uint32
      int 1 @1:26 : uint32"
    );
    assert_eq!(
        typed("x: int32 = -2147483648;"),
        "main @1:1
  var x: int32 @1:1
    unary - @1:12 : int32
      int 2147483648 @1:13 : int32"
    );
}

#[test]
fn widening_conversions_inserted() {
    assert_eq!(
        typed("a: int32 = 1; b: uint32 = 2; print a + b;"),
        "main @1:1
  var a: int32 @1:1
    int 1 @1:12 : int32
  var b: uint32 @1:15
    int 2 @1:27 : uint32
  print @1:30
    binary + @1:36 : int64
      convert @1:36 : int64
        name a @1:36 : int32
      convert @1:40 : int64
        name b @1:40 : uint32"
    );
    assert_eq!(
        typed("i: int64 = 1; d: double = i;"),
        "main @1:1
  var i: int64 @1:1
    int 1 @1:12 : int64
  var d: double @1:15
    convert @1:27 : double
      name i @1:27 : int64"
    );
    ok("u: uint32 = 1; v: uint64 = u; w: int64 = u; d: double = u; e: double = 1; f: double = 2.5 * 2;");
    ok("f (x: double) -> double { return x; } print f (3); g () -> int64 { return 1; }");
}

#[test]
fn operators() {
    ok("s := \"a\" + \"b\"; b := s == \"ab\"; n := s.length; c := s[0]; t := s.substring (0, 1);");
    ok("a := [1, 2, 3]; a[0] = 4; a[1] += 2; a[2]++; --a[0]; print a.length;");
    ok("x := 7; y := x << 2; u: uint64 = 1; z := u >> x; w := ~x; b := !(x < 3) && x != 2 || false;");
    ok("d := 5.5 % 2.0; e := -d; q := 7 % 3; r := 7 / 2;");
    ok("s: string = null; b := s == null; c := null != s; print s;");
    ok("x := 1; x += 2; x -= 1; x *= 3; x /= 2; x %= 5; x &= 3; x |= 8; x ^= 1; x <<= 2; x >>= 1;");
    ok("s := \"a\"; s += \"b\"; d := 1.5; d += 1; i: int64 = 5; i += 3;");
    ok("f := fn (x: int32) -> int32 { return x; }; g := f; print f == g;");
    ok("b := 1 < 2.5; c := 3 == 3.0;");
}

#[test]
fn conditional_and_arrays() {
    ok("c := true; x := c ? 1 : 2.5; s := c ? \"a\" : null; i: int64 = c ? 1 : 2;");
    ok("a: array[int64] = [1, 2]; b: array[string] = []; c := [1, 2.5]; d := [\"x\", null];");
    ok(
        "m := new array[array[int32]] (3); m[0] = new array[int32] (2); m[0][1] = 5; n: uint64 = 2; k := new array[double] (n);",
    );
    assert_eq!(
        typed("c := [1, 3000000000];"),
        "main @1:1
  var c @1:1
    array @1:6 : array[int64]
      convert @1:7 : int64
        int 1 @1:7 : int32
      int 3000000000 @1:10 : int64"
    );
    assert_eq!(
        typed("a: array[int64] = [1];"),
        "main @1:1
  var a: array[int64] @1:1
    array @1:19 : array[int64]
      int 1 @1:20 : int64"
    );
}

#[test]
fn calls_and_builtins() {
    ok("print sqrt (2) + floor (2.5) + sin (1) + cos (1) + exp (1) + log (2) + pow (2, 10);");
    ok("s := str (3) + str (1.5) + str (true) + str (\"x\") + chr (65); n := parse_int (\"12\");");
    ok("a := args (); t := clock_us (); h := identity_hash (a);");
    ok(
        "apply (f: fn (int32) -> int32, x: int32) -> int32 { return f (x); } print apply (fn (y: int32) -> int32 { return y + 1; }, 2);",
    );
    ok("f () -> fn () -> int32 { return g; } g () -> int32 { return 1; } print f () ();");
    ok("type int_fn = fn (int32) -> int32; type fs = array[int_fn]; a: fs = new array[int_fn] (2);");
    ok("type a = b; type b = int32; x: a = 1;");
}

#[test]
fn call_kinds() {
    let file =
        SourceFile::new("t.oort", "f () {} f (); g := f; g (); print sqrt (2.0); print \"ab\".substring (0, 1);");
    let (mut ast, _) = oort_syntax::parse(&file);
    let (mut sema, _) = resolve(&ast);
    assert!(typecheck(&mut ast, &mut sema).is_empty());
    let kinds: Vec<String> = sema.calls.values().map(|k| format!("{k:?}")).collect();
    assert_eq!(kinds.len(), 4);
    assert!(kinds[0].starts_with("Direct("), "{kinds:?}");
    assert_eq!(kinds[1..], ["Closure", "Builtin(Sqrt)", "Substring"]);
}

#[test]
fn returns_and_main() {
    ok("return;");
    ok("f () { return; } g () -> string { return null; }");
    err("return 1;", &["1:1 cannot return a value from the top level"]);
    err("f () { return 1; }", &["1:8 cannot return a value from a `void` function"]);
    err("f () -> int32 { return; }", &["1:17 missing return value: the function returns `int32`"]);
    err("f () -> int32 { return 1.5; }", &["1:24 mismatched types: expected `int32`, found `double`"]);
}

#[test]
fn switch_cases() {
    ok("x := 3; switch (x) { case 1, 2: print 1; case -1: print 2; default: print 3; }");
    ok("u: uint64 = 3; switch (u) { case 18446744073709551615: print 1; case 1 << 3: print 2; }");
    err("x := 3; switch (x) { case 1, 1: print 1; }", &["1:30 duplicate case value `1`"]);
    err("x := 3; y := 1; switch (x) { case y: print 1; }", &["1:35 case value must be an integer constant"]);
    err("switch (\"a\") { case 1: print 1; }", &["1:9 `switch` value must be an integer, found `string`"]);
}

// ------------------------------------------------------------------ typecheck: errors

#[test]
fn mismatched_types() {
    err("x: int32 = \"a\";", &["1:12 mismatched types: expected `int32`, found `string`"]);
    err("x: int32 = 1.5;", &["1:12 mismatched types: expected `int32`, found `double`"]);
    err("i: int64 = 1; x: int32 = i;", &["1:26 mismatched types: expected `int32`, found `int64`"]);
    err("u: uint64 = 1; d: double = u;", &["1:28 mismatched types: expected `double`, found `uint64`"]);
    err("x: int32 = 1; u: uint32 = x;", &["1:27 mismatched types: expected `uint32`, found `int32`"]);
    err("u: uint32 = -1;", &["1:13 mismatched types: expected `uint32`, found `int32`"]);
    err("x: int32 = 3000000000;", &["1:12 mismatched types: expected `int32`, found `int64`"]);
    err("if (1) print 1;", &["1:5 mismatched types: expected `bool`, found `int32`"]);
    err("x: int32 = null;", &["1:12 mismatched types: expected `int32`, found `null`"]);
}

#[test]
fn mixed_sign_64() {
    err("a: int64 = 1; b: uint64 = 2; print a + b;", &["1:36 mixed signed/unsigned 64-bit operands need a cast"]);
    err("a: int32 = 1; b: uint64 = 2; print a < b;", &["1:36 mixed signed/unsigned 64-bit operands need a cast"]);
    ok("a: int64 = 1; b: uint64 = 2; print a + b as int64;");
}

#[test]
fn bad_operands() {
    err("print \"a\" + 1;", &["1:7 operator `+` cannot be applied to `string` and `int32`"]);
    err("print true + 1;", &["1:7 operator `+` cannot be applied to `bool` and `int32`"]);
    err("print 1.5 & 2;", &["1:7 operator `&` cannot be applied to `double` and `int32`"]);
    err("print 1 && true;", &["1:7 mismatched types: expected `bool`, found `int32`"]);
    err("print -true;", &["1:7 operator `-` cannot be applied to `bool`"]);
    err("print !1;", &["1:7 operator `!` cannot be applied to `int32`"]);
    err("print ~1.5;", &["1:7 operator `~` cannot be applied to `double`"]);
    err("print 1.5 << 1;", &["1:7 operator `<<` cannot be applied to `double` and `int32`"]);
    err("print \"a\" < \"b\";", &["1:7 operator `<` cannot be applied to `string` and `string`"]);
    err("print \"a\" == 1;", &["1:7 operator `==` cannot be applied to `string` and `int32`"]);
    err("u: uint64 = 1; print u * 1.5;", &["1:22 operator `*` cannot be applied to `uint64` and `double`"]);
}

#[test]
fn assignment_targets() {
    err("f () {} f = f;", &["1:9 cannot assign to a function"]);
    err("1 = 2;", &["1:1 invalid assignment target: expected a variable, field or array element"]);
    err("s := \"ab\"; s[0] = 1;", &["1:12 cannot assign to a character of a string: strings are immutable"]);
    err("a := [1]; a.length = 2;", &["1:11 invalid assignment target: expected a variable, field or array element"]);
    err("b := true; b++;", &["1:12 `++`/`--` need a numeric variable or element, found `bool`"]);
    err("b := true; b += true;", &["1:12 operator `+=` cannot be applied to `bool`"]);
    err("x := 1; x += 1.5;", &["1:14 mismatched types: expected `int32`, found `double`"]);
}

#[test]
fn calls_errors() {
    err("f (a: int32) {} f ();", &["1:17 this function takes 1 argument but 0 were given"]);
    err("f (a: int32) {} f (\"x\");", &["1:20 mismatched types: expected `int32`, found `string`"]);
    err("x := 1; x ();", &["1:9 cannot call a value of type `int32`"]);
    err("print sqrt (1, 2);", &["1:7 `sqrt` takes 1 argument but 2 were given"]);
    err("print chr (\"a\");", &["1:12 mismatched types: expected `int32`, found `string`"]);
    err("f := sqrt;", &["1:6 built-in `sqrt` can only be called"]);
    err("print identity_hash (1);", &["1:22 `identity_hash` needs a reference value, found `int32`"]);
    err("s := \"ab\"; print s.substring (0);", &["1:18 `substring` takes 2 arguments but 1 were given"]);
    err("s := \"ab\"; f := s.substring;", &["1:17 `substring` can only be called: `s.substring (from, to)`"]);
}

#[test]
fn void_values() {
    err("f () {} x := f ();", &["1:14 a `void` expression cannot be used as a value"]);
    err("f () {} print f ();", &["1:15 a `void` expression cannot be used as a value"]);
    err("x: void;", &["1:4 `void` is only allowed as a return type"]);
    err("f (a: void) {}", &["1:7 `void` is only allowed as a return type"]);
    ok("f () {} f (); g: fn () -> void = f;");
}

#[test]
fn inference_errors() {
    err("x := null;", &["1:6 cannot infer a variable's type from `null`"]);
    err("x := [];", &["1:6 cannot infer the element type of this array literal; declare the variable's type"]);
    err("x := [1, \"a\"];", &["1:10 array elements have incompatible types `int32` and `string`"]);
    err("x := true ? 1 : \"a\";", &["1:6 branches of `?:` have incompatible types `int32` and `string`"]);
}

#[test]
fn members_and_indexing() {
    err("x := 1; print x.length;", &["1:17 type `int32` has no member `length`"]);
    err("a := [1]; print a.size;", &["1:19 type `array[int32]` has no member `size`"]);
    err("x := 1; print x[0];", &["1:15 cannot index a value of type `int32`"]);
    err("a := [1]; print a[1.5];", &["1:19 index must be an integer, found `double`"]);
    err("a := new array[int32] (\"n\");", &["1:24 array length must be an integer, found `string`"]);
    ok("a := [1]; u: uint64 = 0; print a[u];");
}

#[test]
fn types_and_aliases() {
    err("x: foo = 1;", &["1:4 unknown type `foo`"]);
    err("type a = b; type b = a;", &["1:6 type alias `a` is defined in terms of itself"]);
    err("type a = array[a];", &["1:6 type alias `a` is defined in terms of itself"]);
    err("print true as int32;", &["1:7 cannot convert `bool` to `int32` with `as`"]);
    ok("d := 2.7 as int32; u := -1 as uint32; x := 3000000000 as int32;");
}

#[test]
fn literal_out_of_range() {
    err("x := -9223372036854775809;", &["1:6 integer literal is out of range"]);
}

#[test]
fn errors_do_not_cascade() {
    err("x := y + 1; z := x * 2; print z;", &["1:6 undefined name `y`"]);
    err("f (a: foo) -> int32 { return a; } print f (1) + 1;", &["1:7 unknown type `foo`"]);
}

#[test]
fn malformed_programs_do_not_panic() {
    let sources = [
        "x := ;",
        "f (a: ) -> { return a +; }",
        "print (1 + ;",
        "x: array[] = [1, , 2];",
        "if (x) { y := } else",
        "switch (1) { case : print; default: default: }",
        "fn (x: int32) -> { return",
        "a[ = 3; b.(; c = = 4;",
        "type t = ; x: t = 1;",
        "for (i := 0; i <; ) { continue }",
        "class C { m () { return this.x; } } new C (). m ();",
        "@l: goto l; goto 3;",
        "x := 1 as ; y := 2 is ;",
        "s := \"abc\"; s.substring; s.substring (1, 2, 3); s.nope (1);",
        "f () -> int32 { f = 3; return f; }",
        "x := sqrt; y := str (); z := args (1); print clock_us;",
    ];
    for src in sources {
        let file = SourceFile::new("t.oort", src);
        let (mut ast, _) = oort_syntax::parse(&file);
        let (mut sema, _) = resolve(&ast);
        let _ = typecheck(&mut ast, &mut sema);
        assert_eq!(sema.expr_ty.len(), ast.exprs.len(), "{src}");
        let _ = dump_symbols(&ast, &sema, &file);
        let _ = dump_types(&ast, &sema, &file);
    }
}

#[test]
fn conversions_in_assignment_call_return_and_cond() {
    let (_, t) =
        dumps("f (a: int64) -> double { return a; } y := 1; x: int64 = 0; x = y; print f (y); c := true ? y : x;");
    assert_eq!(
        t,
        "func main: fn () -> void
func f: fn (int64) -> double
main @1:1
  func f (a: int64) -> double @1:1
    return @1:26
      convert @1:33 : double
        name a @1:33 : int64
  var y @1:38
    int 1 @1:43 : int32
  var x: int64 @1:46
    int 0 @1:57 : int64
  expr @1:60
    assign = @1:60 : int64
      name x @1:60 : int64
      convert @1:64 : int64
        name y @1:64 : int32
  print @1:67
    call @1:73 : double
      name f @1:73 : fn (int64) -> double
      convert @1:76 : int64
        name y @1:76 : int32
  var c @1:80
    cond @1:85 : int64
      bool true @1:85 : bool
      convert @1:92 : int64
        name y @1:92 : int32
      name x @1:96 : int64
"
    );
}
