;; 64-bit memories: one with a maximum within 4 GiB (static layout, one
;; compare per access), one without (dynamic: index + offset + size against
;; the current length).
(module
  (memory $small i64 1 100)
  (memory $big i64 1)
  (func (export "small") (param i64) (result i32)
    (i32.load $small offset=16 (local.get 0)))
  (func (export "big") (param i64) (result i32)
    (i32.load $big offset=16 (local.get 0))))

;; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----
;; function u0:0(i64 vmctx, i64, i64) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i64):
;; @0035                               v4 = load.i64 notrap aligned readonly can_move v0+48
;; @0035                               v6 = load.i64 notrap aligned region1 v4+8
;; @0035                               v7 = icmp ugt v2, v6
;; @0035                               trapnz v7, heap_oob
;; @0035                               v5 = load.i64 notrap aligned readonly can_move v0+56
;; @0035                               v8 = iadd v5, v2
;; @0035                               v9 = load.i32 little region0 v8+16
;; @0038                               jump block1
;;
;;                                 block1:
;; @0038                               return v9
;; }
;;
;; function u0:1(i64 vmctx, i64, i64) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i64):
;; @003d                               v4 = load.i64 notrap aligned readonly can_move v0+64
;; @003d                               v5 = load.i64 notrap aligned region1 v4
;; @003d                               v6 = load.i64 notrap aligned region1 v4+8
;; @003d                               v7 = iconst.i64 20
;; @003d                               v8 = uadd_overflow_trap v2, v7, heap_oob  ; v7 = 20
;; @003d                               v9 = icmp ugt v8, v6
;; @003d                               trapnz v9, heap_oob
;; @003d                               v10 = iadd v5, v2
;; @003d                               v11 = load.i32 notrap aligned little region0 v10+16
;; @0041                               jump block1
;;
;;                                 block1:
;; @0041                               return v11
;; }
