;; Calls: a direct call to a defined function, a call to an import, a
;; call_indirect through a funcref table (null and signature checks), and
;; a leaf function.
(module
  (import "host" "f" (func $host (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "direct") (param i32) (result i32) (call $leaf (local.get 0)))
  (func (export "import") (param i32) (result i32) (call $host (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))

;; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----
;; function u0:1(i64 vmctx, i64, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @0059                               jump block1
;;
;;                                 block1:
;; @0056                               v4 = iconst.i32 3
;; @0058                               v5 = imul.i32 v2, v4  ; v4 = 3
;; @0059                               return v5
;; }
;;
;; function u0:2(i64 vmctx, i64, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     sig0 = (i64 vmctx, i64, i32) -> i32 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @005e                               v4 = call fn0(v0, v0, v2)
;; @0060                               jump block1
;;
;;                                 block1:
;; @0060                               return v4
;; }
;;
;; function u0:3(i64 vmctx, i64, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     sig0 = (i64 vmctx, i64, i32) -> i32 tail
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @0065                               v4 = load.i64 notrap aligned readonly can_move v0+32
;; @0065                               v5 = load.i64 notrap aligned readonly can_move v4
;; @0065                               v6 = load.i64 notrap aligned readonly can_move v4+16
;; @0065                               v7 = call_indirect sig0, v5(v6, v0, v2)
;; @0067                               jump block1
;;
;;                                 block1:
;; @0067                               return v7
;; }
;;
;; function u0:4(i64 vmctx, i64, i32, i32) -> i32 tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     sig0 = (i64 vmctx, i64, i32) -> i32 tail
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i32):
;; @006e                               v5 = load.i64 notrap aligned readonly can_move v0+72
;; @006e                               v6 = load.i64 notrap aligned v5+8
;; @006e                               v7 = uextend.i64 v3
;; @006e                               v8 = icmp uge v7, v6
;; @006e                               trapnz v8, user1
;; @006e                               v9 = load.i64 notrap aligned v5
;; @006e                               v10 = iconst.i64 3
;; @006e                               v11 = ishl v7, v10  ; v10 = 3
;; @006e                               v12 = iadd v9, v11
;; @006e                               v13 = load.i64 notrap aligned v12
;; @006e                               trapz v13, user2
;; @006e                               v14 = load.i32 notrap aligned v13+24
;; @006e                               v15 = load.i32 notrap aligned readonly can_move v0+208
;; @006e                               v16 = icmp eq v14, v15
;; @006e                               trapz v16, user3
;; @006e                               v17 = load.i64 notrap aligned v13
;; @006e                               v18 = load.i64 notrap aligned v13+16
;; @006e                               v19 = call_indirect sig0, v17(v18, v0, v2)
;; @0071                               jump block1
;;
;;                                 block1:
;; @0071                               return v19
;; }
