;; The `hello` example every binding runs: the host provides `host.hello`,
;; which prints "Hello, world!" in the host's language; `run` calls it once
;; and returns 42 so the example can also check a result.
(module
  (import "host" "hello" (func $hello))
  (func (export "run") (result i32)
    (call $hello)
    (i32.const 42)))
