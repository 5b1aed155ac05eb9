-- The binary-trees benchmark, the same algorithm as binary_trees.oort, in Lua 5.4
-- (also runs on LuaJIT). Usage: lua5.4 binary_trees.lua [N]   (default 16)

local function bottom_up_tree(depth)
  if depth > 0 then
    depth = depth - 1
    return { left = bottom_up_tree(depth), right = bottom_up_tree(depth) }
  end
  return { left = nil, right = nil }
end

local function check(tree)
  if tree.left == nil then return 1 end
  return 1 + check(tree.left) + check(tree.right)
end

local n = tonumber(arg and arg[1]) or 16
local min_depth = 4
local max_depth = n
if min_depth + 2 > max_depth then max_depth = min_depth + 2 end
local stretch_depth = max_depth + 1

io.write("stretch tree of depth ", stretch_depth, " check: ", check(bottom_up_tree(stretch_depth)), "\n")

local long_lived = bottom_up_tree(max_depth)

for depth = min_depth, max_depth, 2 do
  -- 2^(max_depth - depth + min_depth), by doubling so that LuaJIT (no `<<`) runs it too
  local iterations = 1
  for _ = 1, max_depth - depth + min_depth do iterations = iterations * 2 end
  local sum = 0
  for _ = 1, iterations do
    sum = sum + check(bottom_up_tree(depth))
  end
  io.write(iterations, " trees of depth ", depth, " check: ", sum, "\n")
end

io.write("long lived tree of depth ", max_depth, " check: ", check(long_lived), "\n")
