;; The `bench` module the Sightglass programs in ../shared/bench-wasm
;; import: `start` and `end` mark the measured region. Here they do
;; nothing, so the programs run under `petrel run`:
;;
;;   cd ../shared/bench-wasm/noop
;;   petrel run --preload bench=PATH/TO/examples/bench-stub.wat --dir .::. benchmark.wasm
(module
  (func (export "start"))
  (func (export "end")))
