//! Deterministic text disassembler (`oort run --emit=bytecode`).
//!
//! # Format
//! ```text
//! program "t.oort" entry f1<main>
//! layout L0 [val, ref]
//!
//! function f0<fib> params 1 regs 4
//!   regs r0:val r1:val r2:val r3:ref
//!   k0 = int 100
//!   k1 = f64 2.5
//!   k2 = str "a\n"
//! 0000  lt.i32       r1, r0, r2               ; line 2
//! ```
//! - Program header: file name (quoted) and entry function; then one line per environment
//!   layout with the kind of each slot; then one line per class,
//!   `class C1<Point3> parent C0<Point> fields [val, val, val] vtable [f2<norm>]` (`parent -`
//!   for none); then every function in index order, each preceded by an empty line.
//! - Function header: `function f<index><<name>> params <n> regs <n>`, the register kinds
//!   (omitted when there are no registers), the registers holding variables (`shared r0
//!   r2`, omitted when none), one line per label (`label0 @back = @0003`), one line per call
//!   after which temporaries are live (`keep @0004 r3 r5`: what a continuation of that call
//!   keeps), one line per constant (`int` shows the slot bits
//!   as a signed 64-bit integer, `f64` in print form, `str` quoted with `\" \\ \n \t \r` and
//!   `\xHH` escapes for other non-printable bytes).
//! - Instruction lines: 4-digit pc, two spaces, mnemonic left-aligned in 12 columns, a space,
//!   operands in field order separated by `, `; then, if the instruction has a source line
//!   (not 0), padded to column 42 (at least one space), `; line <n>`. No trailing spaces.
//! - Operand forms: register `r3`, immediate `-5`, constant `k0`, jump target `@0012`,
//!   function `f1<name>`, layout `L0`, class `C0<Point>`, builtin by name (`sqrt`), array
//!   element kind (`i32`, `ref` ...), kind test (`string`, `label`, `array.i32`,
//!   `nonnull`), counts, fields and slots as plain numbers.
//!   For calls the operands are `dst, [func,] base, nargs` (see [`crate::Instr`]).

use std::fmt::Write;

use crate::bytecode::*;
use crate::format::format_f64;

/// Quote a byte string for display.
pub fn quote_bytes(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\r' => s.push_str("\\r"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('"');
    s
}

fn kind_name(k: RegKind) -> &'static str {
    match k {
        RegKind::Value => "val",
        RegKind::Ref => "ref",
    }
}

fn func_ref(program: Option<&Program>, id: FuncId) -> String {
    match program.and_then(|p| p.functions.get(id.0 as usize)) {
        Some(f) => format!("f{}<{}>", id.0, f.name),
        None => format!("f{}", id.0),
    }
}

fn class_ref(program: Option<&Program>, id: ClassIdx) -> String {
    match program.and_then(|p| p.classes.get(id.0 as usize)) {
        Some(c) => format!("C{}<{}>", id.0, c.name),
        None => format!("C{}", id.0),
    }
}

fn operand(program: Option<&Program>, op: Operand) -> String {
    match op {
        Operand::Reg(r) => format!("r{}", r.0),
        Operand::Imm(i) => i.to_string(),
        Operand::Const(c) => format!("k{}", c.0),
        Operand::Target(t) => format!("@{:04}", t.0),
        Operand::Func(f) => func_ref(program, f),
        Operand::Layout(l) => format!("L{}", l.0),
        Operand::Class(c) => class_ref(program, c),
        Operand::Builtin(b) => b.name().to_string(),
        Operand::Elem(e) => e.name().to_string(),
        Operand::Kind(k) => k.name().to_string(),
        Operand::Num(n) => n.to_string(),
    }
}

/// One instruction, without pc or line comment: `add.i32      r2, r0, r1`.
pub fn instr_text(program: Option<&Program>, instr: &Instr) -> String {
    let ops: Vec<String> = instr.operands().into_iter().map(|(_, op)| operand(program, op)).collect();
    if ops.is_empty() { instr.mnemonic().to_string() } else { format!("{:<12} {}", instr.mnemonic(), ops.join(", ")) }
}

/// Disassemble one function (`index` is its [`FuncId`]).
pub fn disassemble_function(program: Option<&Program>, index: usize, f: &Function) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "function f{}<{}> params {} regs {}", index, f.name, f.nparams, f.nregs);
    if !f.reg_kinds.is_empty() {
        out.push_str("  regs");
        for (i, &k) in f.reg_kinds.iter().enumerate() {
            let _ = write!(out, " r{}:{}", i, kind_name(k));
        }
        out.push('\n');
    }
    if !f.shared.is_empty() {
        out.push_str("  shared");
        for r in &f.shared {
            let _ = write!(out, " r{}", r.0);
        }
        out.push('\n');
    }
    for (i, l) in f.labels.iter().enumerate() {
        let _ = writeln!(out, "  label{i} @{} = @{:04}", l.name, l.pc.0);
    }
    for c in f.call_live.iter().filter(|c| !c.regs.is_empty()) {
        let regs: Vec<String> = c.regs.iter().map(|r| format!("r{}", r.0)).collect();
        let _ = writeln!(out, "  keep @{:04} {}", c.pc, regs.join(" "));
    }
    for (i, c) in f.consts.iter().enumerate() {
        let text = match c {
            Const::Int(bits) => format!("int {}", *bits as i64),
            Const::F64(x) => format!("f64 {}", format_f64(*x)),
            Const::Str(s) => format!("str {}", quote_bytes(s)),
        };
        let _ = writeln!(out, "  k{i} = {text}");
    }
    for (pc, instr) in f.code.iter().enumerate() {
        let mut line = format!("{:04}  {}", pc, instr_text(program, instr));
        let src_line = f.spans.get(pc).map_or(0, |s| s.0);
        if src_line != 0 {
            let pad = 42usize.saturating_sub(line.len()).max(1);
            line.extend(std::iter::repeat_n(' ', pad));
            let _ = write!(line, "; line {src_line}");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Disassemble a whole program.
pub fn disassemble(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "program {} entry {}",
        quote_bytes(program.file_name.as_bytes()),
        func_ref(Some(program), program.entry)
    );
    for (i, l) in program.env_layouts.iter().enumerate() {
        let kinds: Vec<&str> = l.slots.iter().map(|&k| kind_name(k)).collect();
        let _ = writeln!(out, "layout L{} [{}]", i, kinds.join(", "));
    }
    for (i, c) in program.classes.iter().enumerate() {
        let parent = c.parent.map_or_else(|| "-".to_string(), |p| class_ref(Some(program), p));
        let kinds: Vec<&str> = c.fields.iter().map(|&k| kind_name(k)).collect();
        let vtable: Vec<String> = c.vtable.iter().map(|&f| func_ref(Some(program), f)).collect();
        let _ = writeln!(
            out,
            "class {} parent {} fields [{}] vtable [{}]",
            class_ref(Some(program), ClassIdx(i as u16)),
            parent,
            kinds.join(", "),
            vtable.join(", ")
        );
    }
    for (i, f) in program.functions.iter().enumerate() {
        out.push('\n');
        out.push_str(&disassemble_function(Some(program), i, f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::*;

    #[test]
    fn pinned_output() {
        let mut pb = ProgramBuilder::new("t.oort");
        let fib = pb.declare("fib");
        let lay = pb.env_layout(&[RegKind::Value, RegKind::Ref]);
        let mut b = FunctionBuilder::new("fib", &[RegKind::Value]);
        let n = b.param(0);
        let t = b.alloc_reg(RegKind::Value);
        let two = b.alloc_reg(RegKind::Value);
        let s = b.alloc_reg(RegKind::Ref);
        b.set_span(2, 5);
        let done = b.new_label();
        b.load_i32(two, 2);
        b.emit(Instr::LtI32 { dst: t, a: n, b: two });
        b.jump_if(t, done);
        b.set_span(3, 5);
        b.load_int(t, 1 << 40);
        b.load_f64(t, 2.5);
        b.load_str(s, "a\n\"\x01");
        b.emit(Instr::NewEnv { dst: s, parent: s, layout: lay });
        let w = b.alloc_window(&[RegKind::Value]);
        b.emit(Instr::CallDirect { dst: t, func: fib, base: w, nargs: 1 });
        b.emit(Instr::CallBuiltin { dst: t, builtin: Builtin::Sqrt, base: t, nargs: 1 });
        b.emit(Instr::NewArray { dst: s, elem: ElemKind::F64, len: t });
        b.bind(done);
        b.set_span(0, 0);
        b.emit(Instr::Ret { src: n });
        pb.define(fib, b.finish().unwrap());
        let mut m = FunctionBuilder::new("main", &[]);
        m.emit(Instr::RetVoid {});
        let main = pb.add(m.finish().unwrap());
        let p = pb.finish(main).unwrap();
        let want = r#"program "t.oort" entry f1<main>
layout L0 [val, ref]

function f0<fib> params 1 regs 6
  regs r0:val r1:val r2:val r3:ref r4:ref r5:val
  k0 = int 1099511627776
  k1 = f64 2.5
  k2 = str "a\n\"\x01"
0000  ldi          r2, 2                  ; line 2
0001  lt.i32       r1, r0, r2             ; line 2
0002  jt           r1, @0010              ; line 2
0003  ldk          r1, k0                 ; line 3
0004  ldk          r1, k1                 ; line 3
0005  ldk          r3, k2                 ; line 3
0006  newenv       r3, r3, L0             ; line 3
0007  calld        r1, f0<fib>, r4, 1     ; line 3
0008  callb        r1, sqrt, r1, 1        ; line 3
0009  newarr       r3, f64, r1            ; line 3
0010  ret          r0

function f1<main> params 0 regs 0
0000  retv
"#;
        assert_eq!(disassemble(&p), want);
    }
}
