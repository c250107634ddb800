;; A module whose exports trap, for testing trap reporting.
;; The `$names` below end up in the name section, so backtrace frames are named:
;;   petrel run examples/trap.wat --invoke run
;;   error: wasm trap: unreachable
;;   wasm backtrace:
;;     0: func[0] <trap!fail>
;;     1: func[1] <trap!middle>
;;     2: func[2] <trap!run>
(module $trap
  (func $fail (unreachable))
  (func $middle (call $fail))
  (func $run (export "run") (call $middle))
  ;; `div 1 0` traps with "integer divide by zero".
  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b))))
