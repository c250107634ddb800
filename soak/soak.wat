;; The module each soak cycle instantiates: a little of everything a store
;; owns (a memory with data, a table, a mutable global), a function to
;; call and one that traps out of bounds.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "soak")
  (table 2 funcref)
  (elem (i32.const 0) $add)
  (global $calls (mut i32) (i32.const 0))
  (func $add (export "add") (param i32 i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "trap") (result i32)
    (i32.load (i32.const 0x7fffffff))))
