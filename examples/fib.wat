;; Recursive Fibonacci: `petrel run examples/fib.wat --invoke fib 20` prints 6765.
;; fib(n) fits in an i32 up to n = 46; fib 30 (832040) takes ~1.3M calls.
(module $fib
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
