//! The text form of the graph IR (`--emit=lower` and every IR pass after it).
//!
//! ```text
//! function f1 fib (v0: i32) -> i32 {
//!     v0: i32 n
//!     v1: bool
//! bb0:
//!     v2 = const.i32 2
//!     v1 = lt.i32 v0, v2
//!     br v1, bb1, bb2
//! bb1:
//!     ret v0
//! ...
//! }
//! ```
//!
//! Functions appear in module order (`f0` is the top-level code). Each lists its
//! variables with their types (and source names), then its reachable blocks in reverse
//! post-order. Instructions are `dst = opcode.type operands`; terminators are `jump`,
//! `br`, `switch`, `ret` and `unreachable`. The form is deterministic.

use crate::ir::*;
use std::fmt::Write;

pub fn module_to_string(m: &Module) -> String {
    let mut s = String::new();
    for (i, c) in m.classes.iter().enumerate() {
        let _ = write!(s, "class c{i} {}", c.name);
        if let Some(p) = c.parent {
            let _ = write!(s, " : c{p}");
        }
        s.push_str(" { fields [");
        for (j, t) in c.fields.iter().enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{t}");
        }
        s.push_str("] vtable [");
        for (j, f) in c.vtable.iter().enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            let _ = write!(s, "{f}");
        }
        s.push_str("] }\n");
    }
    if !m.classes.is_empty() {
        s.push('\n');
    }
    for (i, f) in m.funcs.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        write_function(&mut s, FnIdx(i as u32), f);
    }
    s
}

pub fn write_function(s: &mut String, idx: FnIdx, f: &Function) {
    let _ = write!(s, "function {idx} {} (", f.name);
    for p in 0..f.params {
        if p > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "v{p}: {}", f.vars[p as usize].ty);
    }
    s.push(')');
    if let Some(r) = f.ret {
        let _ = write!(s, " -> {r}");
    }
    if f.takes_env {
        s.push_str(" env");
    }
    s.push_str(" {\n");
    for (i, v) in f.vars.iter().enumerate() {
        let _ = write!(s, "    v{i}: {}", v.ty);
        if let Some(n) = &v.name {
            let _ = write!(s, " {n}");
        }
        s.push('\n');
    }
    for (i, l) in f.labels.iter().enumerate() {
        let _ = writeln!(s, "    label{i} @{} = {}", l.name, l.block);
    }
    for b in f.reverse_postorder() {
        let _ = writeln!(s, "{b}:");
        let data = f.block(b);
        for &i in &data.insts {
            s.push_str("    ");
            write_inst(s, f.inst(i));
            s.push('\n');
        }
        s.push_str("    ");
        write_term(s, &data.term);
        s.push('\n');
    }
    s.push_str("}\n");
}

fn write_list(s: &mut String, vars: &[Var]) {
    for (i, v) in vars.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{v}");
    }
}

/// Writes a string constant with the escapes of the source language.
pub fn write_str_const(s: &mut String, bytes: &[u8]) {
    s.push('"');
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\r' => s.push_str("\\r"),
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            0 => s.push_str("\\0"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('"');
}

pub fn write_const(s: &mut String, c: &Const) {
    match c {
        Const::Bool(b) => {
            let _ = write!(s, "const.bool {b}");
        }
        Const::I32(v) => {
            let _ = write!(s, "const.i32 {v}");
        }
        Const::U32(v) => {
            let _ = write!(s, "const.u32 {v}");
        }
        Const::I64(v) => {
            let _ = write!(s, "const.i64 {v}");
        }
        Const::U64(v) => {
            let _ = write!(s, "const.u64 {v}");
        }
        Const::F64(v) => {
            let _ = write!(s, "const.f64 {v:?}");
        }
        Const::Str(b) => {
            s.push_str("const.str ");
            write_str_const(s, b);
        }
        Const::Null => s.push_str("const.null"),
    }
}

pub fn write_inst(s: &mut String, inst: &InstData) {
    if let Some(d) = inst.dst {
        let _ = write!(s, "{d} = ");
    }
    match &inst.op {
        Op::Const(c) => write_const(s, c),
        Op::Copy(v) => {
            let _ = write!(s, "copy {v}");
        }
        Op::Unary(op, ty, v) => {
            let name = match op {
                UnOp::Neg => "neg",
                UnOp::Not => "not",
                UnOp::BitNot => "bitnot",
            };
            let _ = write!(s, "{name}.{ty} {v}");
        }
        Op::Binary(op, ty, a, b) => {
            let _ = write!(s, "{}.{ty} {a}, {b}", op.name());
        }
        Op::Convert { from, to, src } => {
            let _ = write!(s, "convert.{from}.{to} {src}");
        }
        Op::StrEq { negate, lhs, rhs } => {
            let _ = write!(s, "{} {lhs}, {rhs}", if *negate { "strne" } else { "streq" });
        }
        Op::StrConcat(a, b) => {
            let _ = write!(s, "concat {a}, {b}");
        }
        Op::ToStr(ty, v) => {
            let _ = write!(s, "tostr.{ty} {v}");
        }
        Op::Print(v) => {
            let _ = write!(s, "print {v}");
        }
        Op::Call { callee, args } => write_call(s, "call", callee, args),
        Op::NewArray { elem, len } => {
            let _ = write!(s, "newarray.{elem} {len}");
        }
        Op::ArrayGet { elem, array, index } => {
            let _ = write!(s, "aget.{elem} {array}, {index}");
        }
        Op::ArraySet { elem, array, index, value } => {
            let _ = write!(s, "aset.{elem} {array}, {index}, {value}");
        }
        Op::ArrayLen(a) => {
            let _ = write!(s, "alen {a}");
        }
        Op::StrLen(a) => {
            let _ = write!(s, "slen {a}");
        }
        Op::StrIndex { string, index } => {
            let _ = write!(s, "sindex {string}, {index}");
        }
        Op::Substring { string, from, to } => {
            let _ = write!(s, "substring {string}, {from}, {to}");
        }
        Op::NewEnv { parent, slots } => {
            s.push_str("newenv ");
            match parent {
                Some(p) => {
                    let _ = write!(s, "{p}");
                }
                None => s.push_str("null"),
            }
            s.push_str(" [");
            for (i, t) in slots.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "{t}");
            }
            s.push(']');
        }
        Op::EnvUp { env, depth } => {
            let _ = write!(s, "envup {env}, {depth}");
        }
        Op::EnvGet { env, slot, ty } => {
            let _ = write!(s, "envget.{ty} {env}, {slot}");
        }
        Op::EnvSet { env, slot, value } => {
            let _ = write!(s, "envset {env}, {slot}, {value}");
        }
        Op::ClosureEnv => s.push_str("closureenv"),
        Op::NewObject { class } => {
            let _ = write!(s, "newobject c{class}");
        }
        Op::GetField { obj, slot, ty } => {
            let _ = write!(s, "getfield.{ty} {obj}, {slot}");
        }
        Op::SetField { obj, slot, value } => {
            let _ = write!(s, "setfield {obj}, {slot}, {value}");
        }
        Op::InstanceOf { obj, test } => {
            let _ = write!(s, "instanceof {obj}, {test}");
        }
        Op::NullCheck(v) => {
            let _ = write!(s, "nullcheck {v}");
        }
        Op::MakeLabel(n) => {
            let _ = write!(s, "label label{n}");
        }
        Op::Cast { obj, test, non_null } => {
            let _ = write!(s, "{} {obj}, {test}", if *non_null { "cast.nonnull" } else { "cast" });
        }
        Op::NewClosure { func, env } => {
            let _ = write!(s, "closure {func}");
            if let Some(e) = env {
                let _ = write!(s, " env {e}");
            }
        }
    }
}

/// `call f1 env v2 (v3, v4)`, `call.closure v5 ()`, … with `kw` as the keyword.
fn write_call(s: &mut String, kw: &str, callee: &Callee, args: &[Var]) {
    match callee {
        Callee::Direct { func, env } => {
            let _ = write!(s, "{kw} {func}");
            if let Some(e) = env {
                let _ = write!(s, " env {e}");
            }
        }
        Callee::Closure(c) => {
            let _ = write!(s, "{kw}.closure {c}");
        }
        Callee::Builtin(b) => {
            let _ = write!(s, "{kw}.builtin {}", b.name());
        }
        Callee::Virtual { slot } => {
            let _ = write!(s, "{kw}.virtual {slot}");
        }
    }
    s.push_str(" (");
    write_list(s, args);
    s.push(')');
}

pub fn write_term(s: &mut String, t: &Terminator) {
    match t {
        Terminator::TailCall { callee, args } => write_call(s, "tailcall", callee, args),
        Terminator::Jump(b) => {
            let _ = write!(s, "jump {b}");
        }
        Terminator::Goto(v) => {
            let _ = write!(s, "goto {v}");
        }
        Terminator::Branch { cond, then, els } => {
            let _ = write!(s, "br {cond}, {then}, {els}");
        }
        Terminator::Switch { value, cases, default } => {
            let _ = write!(s, "switch {value} [");
            for (i, (v, b)) in cases.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "{v}: {b}");
            }
            let _ = write!(s, "] default {default}");
        }
        Terminator::Return(Some(v)) => {
            let _ = write!(s, "ret {v}");
        }
        Terminator::Return(None) => s.push_str("ret"),
        Terminator::Unreachable => s.push_str("unreachable"),
    }
}

/// The module's control-flow graphs as one Graphviz `dot` graph (`--emit=cfg`): a
/// cluster per function, a box per reachable block listing its instructions and
/// terminator, an edge per successor (branch edges labelled `T`/`F`, switch edges with
/// their case value), and label blocks (entry points besides `entry`) drawn bold with
/// the label's name. Render with `dot -Tsvg`.
pub fn module_to_dot(m: &Module) -> String {
    let mut s = String::from("digraph oort {\n    node [shape=box, fontname=\"monospace\"];\n");
    for (i, f) in m.funcs.iter().enumerate() {
        let fi = FnIdx(i as u32);
        let _ = writeln!(s, "    subgraph cluster_{fi} {{");
        let _ = writeln!(s, "        label=\"{}\";", dot_escape(&format!("{fi} {}", f.name)));
        for b in f.reverse_postorder() {
            let data = f.block(b);
            let mut text = String::new();
            let label = f.labels.iter().find(|l| l.block == b);
            match label {
                Some(l) => {
                    let _ = writeln!(text, "{b} (@{}):", l.name);
                }
                None => {
                    let _ = writeln!(text, "{b}:");
                }
            }
            for &inst in &data.insts {
                text.push_str("    ");
                write_inst(&mut text, f.inst(inst));
                text.push('\n');
            }
            text.push_str("    ");
            write_term(&mut text, &data.term);
            text.push('\n');
            let style = if label.is_some() { ", style=bold" } else { "" };
            let _ = writeln!(s, "        {fi}_{b} [label=\"{}\"{style}];", dot_escape(&text));
            let edges: Vec<(Block, String)> = match &data.term {
                Terminator::Branch { then, els, .. } => vec![(*then, "T".into()), (*els, "F".into())],
                Terminator::Switch { cases, default, .. } => cases
                    .iter()
                    .map(|(v, t)| (*t, v.to_string()))
                    .chain(std::iter::once((*default, "default".to_string())))
                    .collect(),
                t => t.successors().into_iter().map(|t| (t, String::new())).collect(),
            };
            for (t, l) in edges {
                if l.is_empty() {
                    let _ = writeln!(s, "        {fi}_{b} -> {fi}_{t};");
                } else {
                    let _ = writeln!(s, "        {fi}_{b} -> {fi}_{t} [label=\"{l}\"];");
                }
            }
        }
        s.push_str("    }\n");
    }
    s.push_str("}\n");
    s
}

/// Escapes text for a dot string, lines left-aligned (`\l`).
fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\l"),
            c => out.push(c),
        }
    }
    out
}
