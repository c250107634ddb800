;; A mutable global read and written in a loop, and a counting loop.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "bump") (param i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "count") (param i32) (result i32) (local i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 1)))

;; ---- optimised Cranelift IR of each function (PETREL_BLESS=1 rewrites below) ----
;; function u0:0(i64 vmctx, i64, i32) tail {
;;     region0 = 0 "linear memories"
;;     region1 = 1 "memory definitions"
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly can_move gv0
;;     gv2 = load.i64 notrap aligned readonly can_move gv1+24
;;     stack_limit = gv2
;;
;;                                 block0(v0: i64, v1: i64, v2: i32):
;; @003c                               v4 = iconst.i32 1
;; @0038                               jump block2(v2)
;;
;;                                 block2(v6: i32):
;; @003a                               v3 = load.i32 notrap aligned v0+64
;;                                     v9 = iconst.i32 1
;;                                     v10 = iadd v3, v9  ; v9 = 1
;; @003f                               store notrap aligned v10, v0+64
;;                                     v11 = isub v6, v9  ; v9 = 1
;; @0048                               brif v11, block2(v11), block4
;;
;;                                 block4:
;; @004a                               jump block3
;;
;;                                 block3:
;; @004b                               jump block1
;;
;;                                 block1:
;; @004b                               return
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
;;                                     v3 = iconst.i32 0
;; @0062                               v11 = iconst.i32 1
;; @0052                               jump block3(v2, v3)  ; v3 = 0
;;
;;                                 block3(v5: i32, v9: i32):
;;                                     v13 = iconst.i32 0
;;                                     v14 = icmp eq v5, v13  ; v13 = 0
;; @0057                               brif v14, block2, block5
;;
;;                                 block5:
;;                                     v15 = iconst.i32 1
;;                                     v16 = isub.i32 v5, v15  ; v15 = 1
;; @005d                               v10 = iadd.i32 v9, v5
;; @0067                               jump block3(v16, v10)
;;
;;                                 block2:
;; @006d                               jump block1(v9)
;;
;;                                 block1(v4: i32):
;; @006d                               return v4
;; }
