;; Narrow stores: a plain store of the narrowed value, so a constant is
;; stored as an immediate (no register set to zero in the loop), and a
;; variable is stored from its register as before.
(module
  (memory 1)
  (func (export "clear") (param $from i32) (param $to i32) (param $step i32)
    (loop $l
      (i32.store8 offset=16 (local.get $from) (i32.const 0))
      (local.set $from (i32.add (local.get $from) (local.get $step)))
      (br_if $l (i32.lt_u (local.get $from) (local.get $to)))))
  (func (export "store16") (param i32 i32)
    (i32.store16 (local.get 0) (local.get 1)))
  (func (export "store32") (param i32 i64)
    (i64.store32 (local.get 0) (local.get 1))
    (i64.store32 offset=4 (local.get 0) (i64.const -1))))

;; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----
;; function u0:0(i64 vmctx, i64, i32, i32, i32) tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i32, v4: i32):
;;                                     v17 = iconst.i8 0
;; @0050                               v9 = load.i64 notrap aligned readonly can_move v0+64
;; @004a                               jump block2(v2)
;;
;;                                 block2(v5: i32):
;;                                     v18 = iconst.i8 0
;; @0050                               v7 = uextend.i64 v5
;; @0050                               v10 = iadd.i64 v9, v7
;; @0050                               store little region0 v18, v10+16  ; v18 = 0
;; @0057                               v13 = iadd v5, v4
;; @005e                               v15 = icmp ult v13, v3
;; @005f                               brif v15, block2(v13), block4
;;
;;                                 block4:
;; @0061                               jump block3
;;
;;                                 block3:
;; @0062                               jump block1
;;
;;                                 block1:
;; @0062                               return
;; }
;;
;; function u0:1(i64 vmctx, i64, i32, i32) tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i32):
;; @0069                               v8 = ireduce.i16 v3
;; @0069                               v6 = load.i64 notrap aligned readonly can_move v0+64
;; @0069                               v4 = uextend.i64 v2
;; @0069                               v7 = iadd v6, v4
;; @0069                               store little region0 v8, v7
;; @006c                               jump block1
;;
;;                                 block1:
;; @006c                               return
;; }
;;
;; function u0:2(i64 vmctx, i64, i32, i64) tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i64):
;; @0073                               v8 = ireduce.i32 v3
;; @0073                               v6 = load.i64 notrap aligned readonly can_move v0+64
;; @0073                               v4 = uextend.i64 v2
;; @0073                               v7 = iadd v6, v4
;; @0073                               store little region0 v8, v7
;;                                     v15 = iconst.i32 -1
;; @007a                               store little region0 v15, v7+4  ; v15 = -1
;; @007d                               jump block1
;;
;;                                 block1:
;; @007d                               return
;; }
