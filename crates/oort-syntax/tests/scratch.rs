use oort_syntax::*;
use std::sync::atomic::Ordering;
fn measure(name: &str, src: String) {
    let h = std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
        let x = 0u8; let top = &x as *const u8 as usize;
        parser::LOW_SP.store(usize::MAX, Ordering::Relaxed);
        let f = SourceFile::new("t", src);
        let (ast, d) = parse(&f);
        let used = top - parser::LOW_SP.load(Ordering::Relaxed);
        let s = print::ast_to_string(&ast, &f, &|_| None);
        (used, d.len(), s.len())
    }).unwrap();
    let (used, nd, _) = h.join().unwrap();
    println!("{name}: {used} bytes, {} per level, {nd} diags", used / 900);
}
#[test]
fn scratch() {
    let n = 900;
    measure("parens", format!("x := {}1{};", "(".repeat(n), ")".repeat(n)));
    measure("blocks", format!("{}{}", "{".repeat(n), "}".repeat(n)));
    measure("lambda", format!("{}1{}", "x := fn () { return ".repeat(n/2), "; };".repeat(n/2)));
    measure("if", format!("{}x;", "if (a) ".repeat(n)));
    measure("array", format!("x := {}1{};", "[".repeat(n), "]".repeat(n)));
    measure("call", format!("x := {}1{};", "f(".repeat(n), ")".repeat(n)));
    measure("binchain", format!("x := {}1{};", "a||b&&c==d<e|f^g&h<<i+j*(".repeat(n), ")".repeat(n)));
    measure("type", format!("x: {}int32{};", "array[".repeat(n), "]".repeat(n)));
    measure("fntype", format!("x: {}int32;", "fn () -> ".repeat(n)));
    measure("cond", format!("x := {}1{};", "a ? (".repeat(n), ") : 2".repeat(n)));
    measure("index", format!("x := {}1{};", "a[".repeat(n), "]".repeat(n)));
    measure("new", format!("x := {}1{};", "new C(".repeat(n), ")".repeat(n)));
    measure("switch", format!("{}1{}", "switch (x) { case 1: ".repeat(n/2), " }".repeat(n/2)));
    measure("class", format!("{}1{}", "class C { m () { x := ".repeat(n/3), "; } }".repeat(n/3)));
}
