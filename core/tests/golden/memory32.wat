;; 32-bit memory with 64 KiB pages: the guard region is the bounds check,
;; so a load or store is an add and one memory access, and the heap base
;; is read-only (loaded once, not after stores) from its copy in the
;; VMContext (one load, not two through the memory's definition).
(module
  (memory 1)
  (func (export "load") (param i32) (result i32)
    local.get 0
    i32.load offset=8)
  (func (export "sum3") (param i32) (result i32)
    (i32.add
      (i32.add (i32.load (local.get 0)) (i32.load offset=4 (local.get 0)))
      (i32.load offset=8 (local.get 0))))
  (func (export "copy") (param i32 i32)
    (i32.store (local.get 1) (i32.load (local.get 0)))
    (i32.store offset=4 (local.get 1) (i32.load offset=4 (local.get 0)))))

;; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----
;; function u0:0(i64 vmctx, i64, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @003f                               v6 = load.i64 notrap aligned readonly can_move v0+64
;; @003f                               v4 = uextend.i64 v2
;; @003f                               v7 = iadd v6, v4
;; @003f                               v8 = load.i32 little region0 v7+8
;; @0042                               jump block1
;;
;;                                 block1:
;; @0042                               return v8
;; }
;;
;; function u0:1(i64 vmctx, i64, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @0047                               v6 = load.i64 notrap aligned readonly can_move v0+64
;; @0047                               v4 = uextend.i64 v2
;; @0047                               v7 = iadd v6, v4
;; @0047                               v8 = load.i32 little region0 v7
;; @004c                               v13 = load.i32 little region0 v7+4
;; @0052                               v19 = load.i32 little region0 v7+8
;; @0056                               jump block1
;;
;;                                 block1:
;; @004f                               v14 = iadd.i32 v8, v13
;; @0055                               v20 = iadd v14, v19
;; @0056                               return v20
;; }
;;
;; function u0:2(i64 vmctx, i64, i32, i32) tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i32):
;; @005d                               v6 = load.i64 notrap aligned readonly can_move v0+64
;; @005d                               v4 = uextend.i64 v2
;; @005d                               v7 = iadd v6, v4
;; @005d                               v8 = load.i32 little region0 v7
;; @0060                               v9 = uextend.i64 v3
;; @0060                               v12 = iadd v6, v9
;; @0060                               store little region0 v8, v12
;; @0067                               v17 = load.i32 little region0 v7+4
;; @006a                               store little region0 v17, v12+4
;; @006d                               jump block1
;;
;;                                 block1:
;; @006d                               return
;; }
