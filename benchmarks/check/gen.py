#!/usr/bin/env python3
"""Generates a large, valid Oort program for benchmarking `oort check`.

    python3 gen.py --lines N [--seed S] > out.oort

The output is deterministic (fixed seed, same text every run for the same arguments)
and has about N lines. It is meant to look like real compiler input and to exercise the
flow checks of LANGUAGE.md §9 in their passing form: every local is definitely assigned
before it is read (many are declared without an initializer and assigned on every
branch of an if/else chain, a switch with default, a do-while body or before the
`break` of a `while (true)`), nullable references are tested with `!= null` (or `is`)
before they are dereferenced, non-null `T!` parameters receive only values known to be
non-null, closures (nested functions and lambdas) read enclosing variables that are
assigned before the closure is created, labels with `goto` form local loops, every
non-void function returns on every path, there is no unreachable code and every
variable declared is read.

The program is a sequence of "groups". Group k has a type alias, a class pair
(`Shape_k` and `Square_k : Shape_k`) whose methods have generated bodies, a leaf
function `leaf_k`, a helper `measure_k` taking a `Shape_k!`, and several larger
functions `f_k_j`. Only `leaf_*` and `measure_*` and the classes' simple methods are
called from generated code, so running the program takes bounded time. At the end a
top-level part calls a sample of the functions and prints a checksum.
"""

import argparse
import random
import sys

IND = "    "


class Ctx:
    """The state of one function body being generated (shared by its nested closures
    for fresh names, so no name is ever declared twice in one function)."""

    def __init__(self, names, acc, ints, group, in_method=False):
        self.names = names  # a one-element list: the shared fresh-name counter
        self.acc = acc  # the int32 local this body accumulates into
        self.ints = ints  # int32 expressions that are always definitely assigned
        self.group = group
        self.in_method = in_method

    def fresh(self, prefix="v"):
        self.names[0] += 1
        return f"{prefix}{self.names[0]}"

    def nested(self, acc, ints):
        return Ctx(self.names, acc, ints, self.group, self.in_method)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.out = []
        self.labels = 0
        self.funcs = []  # (name, kind, group) for the top-level checksum part

    # ---- helpers -------------------------------------------------------------------
    def pick(self, seq):
        return self.r.choice(seq)

    def operand(self, ctx):
        return self.pick(ctx.ints)

    def two_operands(self, ctx):
        """Two different definitely assigned int32 operands."""
        x, y = self.r.sample(ctx.ints, 2)
        return x, y

    def small(self):
        return str(self.r.randint(1, 9))

    def int_expr(self, ctx):
        """A side-effect-free int32 expression over definitely assigned values."""
        k = self.r.randint(0, 6)
        x, y = self.two_operands(ctx)
        if k == 0:
            return f"{x} + {y} * {self.small()}"
        if k == 1:
            return f"({x} ^ {y}) & {self.r.randint(15, 255)}"
        if k == 2:
            return f"{x} - {self.small()}"
        if k == 3:
            return f"{x} % {self.r.randint(3, 17)} + {y}"
        if k == 4:
            return f"({x} << {self.r.randint(1, 4)}) | {self.small()}"
        if k == 5:
            return f"{x} > {y} ? {x} - {y} : {y} - {x}"
        return f"{x} * {self.small()} + {self.r.randint(0, 99)}"

    def cond(self, ctx):
        x, y = self.two_operands(ctx)
        k = self.r.randint(0, 4)
        if k == 0:
            return f"{x} % {self.r.randint(2, 5)} == 0"
        if k == 1:
            return f"{x} > {y}"
        if k == 2:
            return f"({x} & {self.r.randint(1, 15)}) != 0"
        if k == 3:
            return f"{x} < {self.r.randint(-5, 50)} && {y} != {self.small()}"
        return f"{x} >= {y} || {x} == {self.small()}"

    def block(self, ctx, ind, depth, lo=0, hi=2):
        """Zero or more nested snippets (statements), for the bodies of control flow."""
        lines = []
        if depth >= 3:
            return lines
        for _ in range(self.r.randint(lo, hi)):
            lines += self.snippet(ctx, ind, depth + 1)
        return lines

    # ---- statement snippets -------------------------------------------------------
    # Each returns a list of lines; each declares only fresh locals, reads every one
    # of them, and writes only ctx.acc (a local of the current function).

    def s_if_chain(self, ctx, ind, depth):
        v = ctx.fresh()
        acc = ctx.acc
        n = self.r.randint(1, 3)
        L = [f"{ind}{v}: int32;"]
        for i in range(n):
            kw = "if" if i == 0 else "} else if"
            L.append(f"{ind}{kw} ({self.cond(ctx)}) {{")
            L.append(f"{ind}{IND}{v} = {self.int_expr(ctx)};")
            L += self.block(ctx, ind + IND, depth, 0, 1)
        L.append(f"{ind}}} else {{")
        L += self.block(ctx, ind + IND, depth, 0, 1)
        L.append(f"{ind}{IND}{v} = {self.int_expr(ctx)};")
        L.append(f"{ind}}}")
        L.append(f"{ind}{acc} += {v};")
        return L

    def s_switch(self, ctx, ind, depth):
        v = ctx.fresh()
        acc = ctx.acc
        L = [f"{ind}{v}: int32;", f"{ind}switch ({self.operand(ctx)} & 7) {{"]
        vals = list(range(8))
        self.r.shuffle(vals)
        pos = 0
        for _ in range(self.r.randint(1, 3)):
            k = self.r.randint(1, 2)
            case = ", ".join(str(x) for x in sorted(vals[pos:pos + k]))
            pos += k
            L.append(f"{ind}{IND}case {case}:")
            L.append(f"{ind}{IND}{IND}{v} = {self.int_expr(ctx)};")
            L += self.block(ctx, ind + IND + IND, depth, 0, 1)
        L.append(f"{ind}{IND}default:")
        if self.r.random() < 0.3:
            # `break` leaves the switch; the assignment before it still counts.
            L.append(f"{ind}{IND}{IND}{v} = {self.small()};")
            L.append(f"{ind}{IND}{IND}if ({self.cond(ctx)}) break;")
            L.append(f"{ind}{IND}{IND}{v} = {v} + {self.operand(ctx)};")
        else:
            L.append(f"{ind}{IND}{IND}{v} = {self.int_expr(ctx)};")
        L.append(f"{ind}}}")
        L.append(f"{ind}{acc} ^= {v};")
        return L

    def s_while(self, ctx, ind, depth):
        i = ctx.fresh("i")
        acc = ctx.acc
        L = [f"{ind}{i} := 0;",
             f"{ind}while ({i} < ({self.operand(ctx)} & 7) + 2) {{",
             f"{ind}{IND}{i}++;",
             f"{ind}{IND}if ({i} % 3 == 0) continue;",
             f"{ind}{IND}{acc} += {i} * {self.small()};"]
        L += self.block(ctx.nested(acc, ctx.ints + [i]), ind + IND, depth, 0, 1)
        L.append(f"{ind}{IND}if ({acc} > {self.r.randint(1000, 100000)}) break;")
        L.append(f"{ind}}}")
        return L

    def s_for(self, ctx, ind, depth):
        i = ctx.fresh("i")
        acc = ctx.acc
        L = [f"{ind}for ({i} := 0; {i} < {self.r.randint(2, 6)}; {i}++) {{",
             f"{ind}{IND}if ({i} == {self.operand(ctx)} % 5) continue;"]
        L += self.block(ctx.nested(acc, ctx.ints + [i]), ind + IND, depth, 0, 1)
        L.append(f"{ind}{IND}{acc} += {i} * {self.small()} - {self.operand(ctx)};")
        L.append(f"{ind}}}")
        return L

    def s_do_while(self, ctx, ind, depth):
        v, i = ctx.fresh(), ctx.fresh("i")
        acc = ctx.acc
        L = [f"{ind}{v}: int32;",
             f"{ind}{i} := 0;",
             f"{ind}do {{",
             f"{ind}{IND}{v} = {i} * {self.small()} + {self.operand(ctx)};"]
        L += self.block(ctx.nested(acc, ctx.ints + [i, v]), ind + IND, depth, 0, 1)
        L.append(f"{ind}{IND}{i}++;")
        L.append(f"{ind}}} while ({i} < {self.r.randint(2, 4)});")
        L.append(f"{ind}{acc} += {v} - {i};")
        return L

    def s_while_true(self, ctx, ind, depth):
        v, i = ctx.fresh(), ctx.fresh("i")
        acc = ctx.acc
        return [f"{ind}{v}: int32;",
                f"{ind}{i} := {self.operand(ctx)} & 15;",
                f"{ind}while (true) {{",
                f"{ind}{IND}{i}++;",
                f"{ind}{IND}if ({i} > {self.r.randint(16, 24)}) {{",
                f"{ind}{IND}{IND}{v} = {i} + {self.operand(ctx)};",
                f"{ind}{IND}{IND}break;",
                f"{ind}{IND}}}",
                f"{ind}}}",
                f"{ind}{acc} += {v};"]

    def s_nullable_obj(self, ctx, ind, depth):
        g = ctx.group
        p = ctx.fresh("p")
        acc = ctx.acc
        L = [f"{ind}{p}: Shape_{g} = null;",
             f"{ind}if ({self.cond(ctx)}) {p} = new Shape_{g} ({self.operand(ctx)}, {self.small()});"]
        if self.r.random() < 0.5:
            L.append(f"{ind}if ({p} != null) {acc} += {p}.area ();")
        else:
            L += [f"{ind}if ({p} != null) {{",
                  f"{ind}{IND}{acc} += {p}.w - {p}.h;",
                  f"{ind}}} else {{",
                  f"{ind}{IND}{acc}--;",
                  f"{ind}}}"]
        return L

    def s_nullable_str(self, ctx, ind, depth):
        s = ctx.fresh("s")
        acc = ctx.acc
        return [f"{ind}{s}: string = null;",
                f"{ind}if ({self.cond(ctx)}) {s} = \"k{self.r.randint(0, 999)}_\" + str ({self.operand(ctx)});",
                f"{ind}if ({s} != null && {s}.length > {self.r.randint(1, 4)}) {acc} += {s}[1] + {s}.length;"]

    def s_nonnull(self, ctx, ind, depth):
        g = ctx.group
        q = ctx.fresh("q")
        acc = ctx.acc
        if self.r.random() < 0.5:
            L = [f"{ind}{q}: Shape_{g}! = new Square_{g} ({self.operand(ctx)} & 31);"]
        else:
            L = [f"{ind}{q} := new Shape_{g} ({self.operand(ctx)}, {self.small()});"]
        L.append(f"{ind}{acc} += measure_{g} ({q}, {self.operand(ctx)});")
        return L

    def s_is(self, ctx, ind, depth):
        g = ctx.group
        o = ctx.fresh("o")
        acc = ctx.acc
        cls = self.pick([f"Square_{g} ({self.small()})", f"Shape_{g} ({self.small()}, {self.small()})"])
        return [f"{ind}{o}: Shape_{g} = new {cls};",
                f"{ind}if ({o} is Square_{g}) {{",
                f"{ind}{IND}{acc} += ({o} as Square_{g}!).side ();",
                f"{ind}}} else {{",
                f"{ind}{IND}{acc} += {o}.area ();",
                f"{ind}}}"]

    def s_nested_fn(self, ctx, ind, depth):
        c, h, x = ctx.fresh("c"), ctx.fresh("h"), ctx.fresh("x")
        acc = ctx.acc
        inner_acc = ctx.fresh("r")
        ictx = ctx.nested(inner_acc, [x, c, self.operand(ctx)])
        L = [f"{ind}{c} := {self.int_expr(ctx)};",
             f"{ind}{h} ({x}: int32) -> int32 {{",
             f"{ind}{IND}{inner_acc} := {x} + {c};"]
        L += self.block(ictx, ind + IND, depth + 1, 0, 1)
        L += [f"{ind}{IND}if ({inner_acc} > {c}) return {inner_acc} - {c};",
              f"{ind}{IND}return {inner_acc};",
              f"{ind}}}",
              f"{ind}{acc} += {h} ({self.operand(ctx)});"]
        return L

    def s_lambda(self, ctx, ind, depth):
        c, f, x = ctx.fresh("c"), ctx.fresh("f"), ctx.fresh("x")
        acc = ctx.acc
        g = ctx.group
        typ = self.pick([f"ifn_{g}", "fn (int32) -> int32"])
        return [f"{ind}{c}: int32;",
                f"{ind}if ({self.cond(ctx)}) {c} = {self.int_expr(ctx)}; else {c} = {self.small()};",
                f"{ind}{f}: {typ} = fn ({x}: int32) -> int32 {{",
                f"{ind}{IND}if ({x} > {c}) return {x} - {c};",
                f"{ind}{IND}return {c} - {x};",
                f"{ind}}};",
                f"{ind}{acc} += {f} ({acc} & 255);"]

    def s_goto_loop(self, ctx, ind, depth):
        self.labels += 1
        lab = f"loop_{self.labels}"
        i, t = ctx.fresh("i"), ctx.fresh("t")
        acc = ctx.acc
        return [f"{ind}{i} := 0;",
                f"{ind}{t} := 0;",
                f"{ind}@{lab}:",
                f"{ind}{t} += {i} * {self.operand(ctx)};",
                f"{ind}{i}++;",
                f"{ind}if ({i} < {self.r.randint(2, 5)}) goto {lab};",
                f"{ind}{acc} += {t};"]

    def s_goto_forward(self, ctx, ind, depth):
        self.labels += 1
        body, test = f"body_{self.labels}", f"test_{self.labels}"
        k = ctx.fresh("k")
        acc = ctx.acc
        return [f"{ind}{k} := {self.operand(ctx)} & 7;",
                f"{ind}goto {test};",
                f"{ind}@{body}:",
                f"{ind}{acc} += {k};",
                f"{ind}{k} -= {self.r.randint(1, 3)};",
                f"{ind}@{test}:",
                f"{ind}if ({k} > 0) goto {body};"]

    def s_array(self, ctx, ind, depth):
        a, i, j, s = ctx.fresh("a"), ctx.fresh("i"), ctx.fresh("i"), ctx.fresh("s")
        acc = ctx.acc
        return [f"{ind}{a} := new array[int32] ({self.r.randint(2, 5)} + ({self.operand(ctx)} & 3));",
                f"{ind}for ({i} := 0; {i} < {a}.length; {i}++) {a}[{i}] = {i} * {self.operand(ctx)};",
                f"{ind}{s} := 0;",
                f"{ind}for ({j} := 0; {j} < {a}.length; {j}++) {s} += {a}[{j}];",
                f"{ind}{acc} += {s};"]

    def s_array_lit(self, ctx, ind, depth):
        a = ctx.fresh("a")
        acc = ctx.acc
        items = ", ".join(self.operand(ctx) if self.r.random() < 0.5 else self.small()
                          for _ in range(self.r.randint(2, 5)))
        return [f"{ind}{a} := [{items}];",
                f"{ind}{acc} += {a}[{self.operand(ctx)} & 1] + {a}.length;"]

    def s_string(self, ctx, ind, depth):
        s = ctx.fresh("s")
        acc = ctx.acc
        return [f"{ind}{s} := \"w{self.r.randint(0, 99)}\" + str ({self.operand(ctx)}) + \"-\";",
                f"{ind}{acc} += {s}.length + {s}[0] + {s}.substring (1, 3).length;"]

    def s_and_assign(self, ctx, ind, depth):
        v = ctx.fresh()
        acc = ctx.acc
        return [f"{ind}{v}: int32;",
                f"{ind}if ({self.operand(ctx)} > {self.r.randint(-3, 3)} && ({v} = {self.int_expr(ctx)}) > {self.small()}) {acc} += {v};"]

    def s_double(self, ctx, ind, depth):
        d = ctx.fresh("d")
        acc = ctx.acc
        return [f"{ind}{d} := ({self.operand(ctx)} & 1023) as double * 0.{self.r.randint(1, 9)};",
                f"{ind}{acc} += floor (sqrt ({d})) as int32;"]

    def s_leaf_call(self, ctx, ind, depth):
        g = ctx.group
        t = ctx.fresh("t")
        target = self.pick([g, g, max(0, g - 1), self.r.randint(0, g)])
        return [f"{ind}{t} := leaf_{target} ({self.operand(ctx)}, {self.int_expr(ctx)});",
                f"{ind}{ctx.acc} += {t} % {self.r.randint(50, 500)};"]

    def s_assign_simple(self, ctx, ind, depth):
        return [f"{ind}{ctx.acc} = {ctx.acc} + ({self.int_expr(ctx)});"]

    SNIPPETS = [
        ("s_if_chain", 6), ("s_switch", 4), ("s_while", 3), ("s_for", 3), ("s_do_while", 3),
        ("s_while_true", 2), ("s_nullable_obj", 3), ("s_nullable_str", 2), ("s_nonnull", 2),
        ("s_is", 1), ("s_nested_fn", 2), ("s_lambda", 2), ("s_goto_loop", 2),
        ("s_goto_forward", 1), ("s_array", 2), ("s_array_lit", 1), ("s_string", 2),
        ("s_and_assign", 2), ("s_double", 1), ("s_leaf_call", 3), ("s_assign_simple", 3),
    ]

    def snippet(self, ctx, ind, depth):
        names = [n for n, _ in self.SNIPPETS]
        weights = [w for _, w in self.SNIPPETS]
        name = self.r.choices(names, weights)[0]
        return getattr(self, name)(ctx, ind, depth)

    # ---- function endings: return on every path, nothing unreachable -------------
    def ending(self, ctx, ind):
        acc = ctx.acc
        k = self.r.randint(0, 4)
        if k == 0:
            return [f"{ind}return {acc};"]
        if k == 1:
            return [f"{ind}if ({acc} > {self.operand(ctx)}) {{",
                    f"{ind}{IND}return {acc} - {self.small()};",
                    f"{ind}}} else if ({acc} < -{self.small()}) {{",
                    f"{ind}{IND}return -{acc};",
                    f"{ind}}} else {{",
                    f"{ind}{IND}return {acc} + {self.operand(ctx)};",
                    f"{ind}}}"]
        if k == 2:
            return [f"{ind}while (true) {{",
                    f"{ind}{IND}if ({acc} % 2 == 0) return {acc};",
                    f"{ind}{IND}{acc}++;",
                    f"{ind}}}"]
        if k == 3:
            return [f"{ind}switch ({acc} & 3) {{",
                    f"{ind}{IND}case 0: return {acc};",
                    f"{ind}{IND}case 1, 2: return {acc} + {self.operand(ctx)};",
                    f"{ind}{IND}default: return {acc} - 1;",
                    f"{ind}}}"]
        return [f"{ind}return {acc} > 0 ? {acc} : -{acc};"]

    # ---- top-level definitions ------------------------------------------------------
    def emit(self, lines):
        self.out += lines

    def body(self, ctx, ind, n_lo, n_hi):
        L = []
        for _ in range(self.r.randint(n_lo, n_hi)):
            L += self.snippet(ctx, ind, 0)
        return L

    def group(self, g):
        r = self.r
        self.emit([f"// ---- group {g} ----",
                   f"type ifn_{g} = fn (int32) -> int32;",
                   ""])
        # Classes: fields, init, methods with generated bodies, an override.
        self.emit([f"class Shape_{g} {{",
                   f"{IND}w: int32;",
                   f"{IND}h: int32;",
                   f"{IND}tag: string = \"shape{g}\";",
                   f"{IND}next: Shape_{g};",
                   f"{IND}init (w: int32, h: int32) {{ this.w = w; this.h = h; }}",
                   f"{IND}area () -> int32 {{ return w * h; }}",
                   f"{IND}chain () -> int32 {{",
                   f"{IND}{IND}t := w;",
                   f"{IND}{IND}cur := next;",
                   f"{IND}{IND}while (cur != null) {{",
                   f"{IND}{IND}{IND}t += cur.w;",
                   f"{IND}{IND}{IND}cur = cur.next;",
                   f"{IND}{IND}}}",
                   f"{IND}{IND}return t + tag.length;",
                   f"{IND}}}"])
        for m in range(r.randint(1, 2)):
            ctx = Ctx([0], "acc", ["a", "b", "acc", "w", "h"], g, True)
            self.emit([f"{IND}work{m} (a: int32, b: int32) -> int32 {{",
                       f"{IND}{IND}acc := a - b + w;"])
            self.emit(self.body(ctx, IND + IND, 1, 3))
            self.emit(self.ending(ctx, IND + IND))
            self.emit([f"{IND}}}"])
        self.emit(["}",
                   f"class Square_{g} : Shape_{g} {{",
                   f"{IND}init (s: int32) {{ super.init (s, s); }}",
                   f"{IND}area () -> int32 {{ return super.area () + 1; }}",
                   f"{IND}side () -> int32 {{ return measure_{g} (this, w); }}",
                   "}",
                   ""])
        # A leaf function (calls nothing) and a helper with a non-null parameter.
        ctx = Ctx([0], "acc", ["a", "b", "acc"], g)
        self.emit([f"leaf_{g} (a: int32, b: int32) -> int32 {{",
                   f"{IND}acc := a * {self.small()} + b;"])
        leaf_kinds = ["s_if_chain", "s_switch", "s_do_while", "s_while_true", "s_and_assign",
                      "s_assign_simple", "s_goto_loop", "s_string"]
        for _ in range(r.randint(1, 3)):
            self.emit(getattr(self, r.choice(leaf_kinds))(ctx, IND, 3))
        self.emit(self.ending(ctx, IND))
        self.emit(["}",
                   f"measure_{g} (s: Shape_{g}!, a: int32) -> int32 {{ return s.area () + a; }}",
                   ""])
        self.funcs.append((f"leaf_{g}", "leaf", g))
        # The larger functions.
        for j in range(r.randint(2, 5)):
            name = f"f_{g}_{j}"
            kind = r.choice(["ii", "ii", "iis", "iin", "void"])
            ctx = Ctx([0], "acc", ["a", "b", "acc"], g)
            if kind == "ii":
                self.emit([f"{name} (a: int32, b: int32) -> int32 {{",
                           f"{IND}acc := a + b;"])
            elif kind == "iis":
                self.emit([f"{name} (a: int32, b: int32, t: string) -> int32 {{",
                           f"{IND}acc := a ^ b;",
                           f"{IND}if (t != null) acc += t.length;"])
            elif kind == "iin":
                self.emit([f"{name} (a: int32, b: int32, n: Shape_{g}!) -> int32 {{",
                           f"{IND}acc := n.area () + a - b;"])
            else:
                self.emit([f"{name} (a: int32, b: int32, out: Shape_{g}!) {{",
                           f"{IND}acc := a - b;"])
            self.emit(self.body(ctx, IND, 3, 7))
            if kind == "void":
                self.emit([f"{IND}out.w = acc;", "}", ""])
            else:
                self.emit(self.ending(ctx, IND))
                self.emit(["}", ""])
            self.funcs.append((name, kind, g))

    def top_level(self, max_calls):
        step = max(1, len(self.funcs) // max_calls)
        L = ["// ---- top level: call a sample of the functions, print a checksum ----",
             "checksum: int64 = 0;"]
        for idx in range(0, len(self.funcs), step):
            name, kind, g = self.funcs[idx]
            a, b = self.r.randint(-20, 40), self.r.randint(-20, 40)
            if kind in ("leaf", "ii"):
                L.append(f"checksum += {name} ({a}, {b});")
            elif kind == "iis":
                L.append(f"checksum += {name} ({a}, {b}, \"arg{idx}\");")
            elif kind == "iin":
                L.append(f"checksum += {name} ({a}, {b}, new Square_{g} ({self.r.randint(1, 9)}));")
            else:
                L += [f"sink{idx} := new Shape_{g} (0, {self.r.randint(1, 9)});",
                      f"{name} ({a}, {b}, sink{idx});",
                      f"checksum += sink{idx}.w + sink{idx}.chain ();"]
            L.append(f"checksum += new Shape_{g} ({a}, {b}).work0 ({b}, {a});")
        L.append("print checksum;")
        return L


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, required=True, help="approximate number of lines")
    ap.add_argument("--seed", type=int, default=20261121, help="random seed (default fixed)")
    ap.add_argument("--calls", type=int, default=40,
                    help="how many functions the top level calls (bounded run time)")
    args = ap.parse_args()
    gen = Gen(args.seed)
    gen.emit([f"// Generated by benchmarks/check/gen.py --lines {args.lines} --seed {args.seed}",
              "// Input for the `oort check` benchmark (benchmarks/run_check.sh)."])
    tail = 4 * args.calls + 4
    g = 0
    while g == 0 or len(gen.out) + tail < args.lines:
        gen.group(g)
        g += 1
    gen.emit(gen.top_level(args.calls))
    sys.stdout.write("\n".join(gen.out) + "\n")


if __name__ == "__main__":
    main()
