//! Translation of the fixed-width SIMD operators (`v128`) to Cranelift
//! vector IR.
//!
//! # One type on the stack, many types in the operators
//!
//! Every `v128` value the translator keeps on its operand stack, in a local
//! variable, in a block parameter or passes to a call has the Cranelift type
//! `i8x16` (see [`ir_type`](super::func_environ::ir_type)). An operator that
//! needs another lane shape bitcasts its operands to that shape on the way
//! in ([`FuncTranslator::vpop`]) and its result back to `i8x16` on the way
//! out ([`FuncTranslator::vpush`]). Cranelift removes the bitcasts: on every
//! target they are register-to-register no-ops, and chains of them fold.
//!
//! # Where Cranelift and WebAssembly differ
//!
//! Most operators map to one Cranelift instruction with the same meaning.
//! The exceptions, and what is emitted instead:
//!
//! - **Shifts**: wasm takes the shift count modulo the lane width; the
//!   count is masked explicitly rather than relying on the backend.
//! - **`pmin` / `pmax`**: Cranelift's `fmin`/`fmax` implement wasm's
//!   NaN-propagating `min`/`max`; the "pseudo" variants are defined as
//!   `b < a ? b : a` (`pmax`: `a < b ? b : a`), emitted as a lane mask from
//!   `fcmp` and a `bitselect`.
//! - **`extadd_pairwise`, `dot`, `extmul`**: widen, then add pairwise or
//!   multiply; the backends recognise these shapes (`pmaddwd`, `pmaddubsw`).
//! - **`trunc_sat_f64x2_*_zero`**: a saturating conversion to `i64x2` narrowed
//!   (with saturation) against a zero vector, the shape the backends lower to
//!   a short fixed sequence.
//! - **`convert_low_i32x4_*`**: widen the low lanes, then convert.
//! - **`any_true` / `all_true`** produce an `i8` in Cranelift and an `i32`
//!   in wasm; **`extract_lane` of `i8`/`i16` lanes** sign- or zero-extends.
//!
//! Memory operators compute their address with the translator's `mem_addr`
//! (guard region or explicit check, trap code `HEAP_OUT_OF_BOUNDS`) using
//! the number of bytes actually accessed: 16 for `v128.load`/`store`, 8 for
//! the extending loads and `load64_zero`, the lane size for lane and splat
//! loads.

use super::translate::FuncTranslator;
use anyhow::Result;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32X4, F64X2, I8, I8X16, I16, I16X8, I32, I32X4, I64X2};
use cranelift_codegen::ir::{Endianness, InstBuilder, MemFlagsData as MemFlags, Type, Value};
use wasmparser::{MemArg, Operator};

/// Flags of a bitcast between vector shapes (the lane order is fixed as
/// wasm's little-endian order).
fn lane_order() -> MemFlags {
    MemFlags::new().with_endianness(Endianness::Little)
}

impl FuncTranslator<'_, '_> {
    /// Pops a `v128` and views it with the lane shape `ty`.
    fn vpop(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_shape(v, ty)
    }

    /// Pops two `v128`s (second operand on top) viewed as `ty`.
    fn vpop2(&mut self, ty: Type) -> (Value, Value) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        (a, b)
    }

    /// Pushes a vector of any shape as the stack's canonical `i8x16`.
    fn vpush(&mut self, v: Value) {
        let v = self.as_shape(v, I8X16);
        self.push(v);
    }

    /// Bitcasts the vector `v` to the shape `ty` if it is not already.
    fn as_shape(&mut self, v: Value, ty: Type) -> Value {
        if self.builder.func.dfg.value_type(v) == ty {
            v
        } else {
            self.builder.ins().bitcast(ty, lane_order(), v)
        }
    }

    /// A constant vector of shape `ty` from its 16 little-endian bytes.
    fn vconst(&mut self, ty: Type, bytes: [u8; 16]) -> Value {
        let c = self
            .builder
            .func
            .dfg
            .constants
            .insert(bytes.to_vec().into());
        self.builder.ins().vconst(ty, c)
    }

    /// `v128.load`, the extending loads and the splat / zero loads: loads
    /// `size` bytes and builds the vector with `make`.
    fn vload(&mut self, memarg: &MemArg, kind: VLoad) {
        let size = match kind {
            VLoad::Full => 16,
            VLoad::Extend(_) => 8,
            VLoad::Splat(ty) | VLoad::Zero(ty) => ty.lane_type().bytes(),
        };
        let (addr, off, flags) = self.mem_addr(memarg, size);
        let ins = self.builder.ins();
        let v = match kind {
            VLoad::Full => ins.load(I8X16, flags, addr, off),
            VLoad::Extend(Extend::S8x8) => ins.sload8x8(flags, addr, off),
            VLoad::Extend(Extend::U8x8) => ins.uload8x8(flags, addr, off),
            VLoad::Extend(Extend::S16x4) => ins.sload16x4(flags, addr, off),
            VLoad::Extend(Extend::U16x4) => ins.uload16x4(flags, addr, off),
            VLoad::Extend(Extend::S32x2) => ins.sload32x2(flags, addr, off),
            VLoad::Extend(Extend::U32x2) => ins.uload32x2(flags, addr, off),
            VLoad::Splat(ty) => {
                let x = ins.load(ty.lane_type(), flags, addr, off);
                self.builder.ins().splat(ty, x)
            }
            VLoad::Zero(ty) => {
                let x = ins.load(ty.lane_type(), flags, addr, off);
                self.builder.ins().scalar_to_vector(ty, x)
            }
        };
        self.vpush(v);
    }

    /// `v128.loadN_lane`: replaces lane `lane` of the vector on the stack
    /// with a value loaded from memory.
    fn vload_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) {
        let vec = self.vpop(ty);
        let lane_ty = ty.lane_type();
        let (addr, off, flags) = self.mem_addr(memarg, lane_ty.bytes());
        let x = self.builder.ins().load(lane_ty, flags, addr, off);
        let v = self.builder.ins().insertlane(vec, x, lane);
        self.vpush(v);
    }

    /// `v128.storeN_lane`: stores lane `lane` of the vector on the stack.
    fn vstore_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) {
        let vec = self.vpop(ty);
        let (addr, off, flags) = self.mem_addr(memarg, ty.lane_type().bytes());
        let x = self.builder.ins().extractlane(vec, lane);
        self.builder.ins().store(flags, x, addr, off);
    }

    /// `extract_lane`: lanes narrower than `i32` are extended as asked.
    fn extract_lane(&mut self, ty: Type, lane: u8, ext: LaneExt) {
        let vec = self.vpop(ty);
        let x = self.builder.ins().extractlane(vec, lane);
        let x = match ext {
            LaneExt::None => x,
            LaneExt::Signed => self.builder.ins().sextend(I32, x),
            LaneExt::Unsigned => self.builder.ins().uextend(I32, x),
        };
        self.push(x);
    }

    /// `replace_lane`: an `i32` operand is wrapped to a narrower lane.
    fn replace_lane(&mut self, ty: Type, lane: u8) {
        let mut x = self.pop();
        let vec = self.vpop(ty);
        if matches!(ty.lane_type(), I8 | I16) {
            x = self.builder.ins().ireduce(ty.lane_type(), x);
        }
        let v = self.builder.ins().insertlane(vec, x, lane);
        self.vpush(v);
    }

    /// `splat`: an `i32` operand is wrapped to a narrower lane.
    fn splat(&mut self, ty: Type) {
        let mut x = self.pop();
        if matches!(ty.lane_type(), I8 | I16) {
            x = self.builder.ins().ireduce(ty.lane_type(), x);
        }
        let v = self.builder.ins().splat(ty, x);
        self.vpush(v);
    }

    /// Shifts take the count modulo the lane width.
    fn shift(&mut self, ty: Type, kind: Shift) {
        let count = self.pop();
        let vec = self.vpop(ty);
        let mask = i64::from(ty.lane_bits() - 1);
        let mask = self.builder.ins().iconst(I32, mask);
        let count = self.builder.ins().band(count, mask);
        let ins = self.builder.ins();
        let v = match kind {
            Shift::Left => ins.ishl(vec, count),
            Shift::RightSigned => ins.sshr(vec, count),
            Shift::RightUnsigned => ins.ushr(vec, count),
        };
        self.vpush(v);
    }

    /// Lane-wise integer comparison: each lane all ones or all zeros.
    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        let (a, b) = self.vpop2(ty);
        let v = self.builder.ins().icmp(cc, a, b);
        self.vpush(v);
    }

    /// Lane-wise float comparison: each lane all ones or all zeros.
    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        let (a, b) = self.vpop2(ty);
        let v = self.builder.ins().fcmp(cc, a, b);
        self.vpush(v);
    }

    /// `pmin` is `b < a ? b : a`, `pmax` is `a < b ? b : a`, lane by lane,
    /// with no NaN propagation and no ordering of zeros.
    fn pseudo_min_max(&mut self, ty: Type, max: bool) {
        let (a, b) = self.vpop2(ty);
        let take_b = if max {
            self.builder.ins().fcmp(FloatCC::LessThan, a, b)
        } else {
            self.builder.ins().fcmp(FloatCC::LessThan, b, a)
        };
        let take_b = self.builder.ins().bitcast(ty, lane_order(), take_b);
        let v = self.builder.ins().bitselect(take_b, b, a);
        self.vpush(v);
    }

    /// `extend_low` / `extend_high` of the vector on the stack, seen as `ty`.
    fn widen(&mut self, ty: Type, half: Half, signed: bool) {
        let a = self.vpop(ty);
        let v = self.widen_value(a, half, signed);
        self.vpush(v);
    }

    fn widen_value(&mut self, a: Value, half: Half, signed: bool) -> Value {
        let ins = self.builder.ins();
        match (half, signed) {
            (Half::Low, true) => ins.swiden_low(a),
            (Half::High, true) => ins.swiden_high(a),
            (Half::Low, false) => ins.uwiden_low(a),
            (Half::High, false) => ins.uwiden_high(a),
        }
    }

    /// `extmul_{low,high}`: widen both operands' halves, then multiply.
    fn extmul(&mut self, ty: Type, half: Half, signed: bool) {
        let (a, b) = self.vpop2(ty);
        let a = self.widen_value(a, half, signed);
        let b = self.widen_value(b, half, signed);
        let v = self.builder.ins().imul(a, b);
        self.vpush(v);
    }

    /// `extadd_pairwise`: widen both halves, then add adjacent lanes.
    fn extadd_pairwise(&mut self, ty: Type, signed: bool) {
        let a = self.vpop(ty);
        let lo = self.widen_value(a, Half::Low, signed);
        let hi = self.widen_value(a, Half::High, signed);
        let v = self.builder.ins().iadd_pairwise(lo, hi);
        self.vpush(v);
    }

    /// Sums of adjacent products of the signed bytes of `a` and `b`, as
    /// i16x8 lanes, wrapping (the relaxed dot products' choice).
    fn dot_i8x16_signed(&mut self, a: Value, b: Value) -> Value {
        let a_lo = self.builder.ins().swiden_low(a);
        let b_lo = self.builder.ins().swiden_low(b);
        let a_hi = self.builder.ins().swiden_high(a);
        let b_hi = self.builder.ins().swiden_high(b);
        let lo = self.builder.ins().imul(a_lo, b_lo);
        let hi = self.builder.ins().imul(a_hi, b_hi);
        self.builder.ins().iadd_pairwise(lo, hi)
    }

    /// Translates a SIMD operator. Returns false when `op` is not one.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        macro_rules! unary {
            ($ty:expr, $m:ident) => {{
                let a = self.vpop($ty);
                let v = self.builder.ins().$m(a);
                self.vpush(v);
            }};
        }
        macro_rules! binary {
            ($ty:expr, $m:ident) => {{
                let (a, b) = self.vpop2($ty);
                let v = self.builder.ins().$m(a, b);
                self.vpush(v);
            }};
        }
        macro_rules! to_i32 {
            ($ty:expr, $m:ident) => {{
                let a = self.vpop($ty);
                let t = self.builder.ins().$m(a);
                let v = self.builder.ins().uextend(I32, t);
                self.push(v);
            }};
        }
        macro_rules! convert {
            ($from:expr, $m:ident, $to:expr) => {{
                let a = self.vpop($from);
                let v = self.builder.ins().$m($to, a);
                self.vpush(v);
            }};
        }
        use Half::{High, Low};
        use Operator as O;
        use Shift::{Left, RightSigned, RightUnsigned};
        match op {
            // ---- memory
            O::V128Load { memarg } => self.vload(memarg, VLoad::Full),
            O::V128Load8x8S { memarg } => self.vload(memarg, VLoad::Extend(Extend::S8x8)),
            O::V128Load8x8U { memarg } => self.vload(memarg, VLoad::Extend(Extend::U8x8)),
            O::V128Load16x4S { memarg } => self.vload(memarg, VLoad::Extend(Extend::S16x4)),
            O::V128Load16x4U { memarg } => self.vload(memarg, VLoad::Extend(Extend::U16x4)),
            O::V128Load32x2S { memarg } => self.vload(memarg, VLoad::Extend(Extend::S32x2)),
            O::V128Load32x2U { memarg } => self.vload(memarg, VLoad::Extend(Extend::U32x2)),
            O::V128Load8Splat { memarg } => self.vload(memarg, VLoad::Splat(I8X16)),
            O::V128Load16Splat { memarg } => self.vload(memarg, VLoad::Splat(I16X8)),
            O::V128Load32Splat { memarg } => self.vload(memarg, VLoad::Splat(I32X4)),
            O::V128Load64Splat { memarg } => self.vload(memarg, VLoad::Splat(I64X2)),
            O::V128Load32Zero { memarg } => self.vload(memarg, VLoad::Zero(I32X4)),
            O::V128Load64Zero { memarg } => self.vload(memarg, VLoad::Zero(I64X2)),
            O::V128Store { memarg } => {
                let v = self.vpop(I8X16);
                let (addr, off, flags) = self.mem_addr(memarg, 16);
                self.builder.ins().store(flags, v, addr, off);
            }
            O::V128Load8Lane { memarg, lane } => self.vload_lane(memarg, I8X16, *lane),
            O::V128Load16Lane { memarg, lane } => self.vload_lane(memarg, I16X8, *lane),
            O::V128Load32Lane { memarg, lane } => self.vload_lane(memarg, I32X4, *lane),
            O::V128Load64Lane { memarg, lane } => self.vload_lane(memarg, I64X2, *lane),
            O::V128Store8Lane { memarg, lane } => self.vstore_lane(memarg, I8X16, *lane),
            O::V128Store16Lane { memarg, lane } => self.vstore_lane(memarg, I16X8, *lane),
            O::V128Store32Lane { memarg, lane } => self.vstore_lane(memarg, I32X4, *lane),
            O::V128Store64Lane { memarg, lane } => self.vstore_lane(memarg, I64X2, *lane),

            // ---- constants, shuffles, lanes
            O::V128Const { value } => {
                let v = self.vconst(I8X16, *value.bytes());
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.vpop2(I8X16);
                let mask = self.builder.func.dfg.immediates.push(lanes.to_vec().into());
                let v = self.builder.ins().shuffle(a, b, mask);
                self.vpush(v);
            }
            // Out-of-range indices select 0 in both wasm and Cranelift.
            O::I8x16Swizzle => binary!(I8X16, swizzle),
            O::I8x16Splat => self.splat(I8X16),
            O::I16x8Splat => self.splat(I16X8),
            O::I32x4Splat => self.splat(I32X4),
            O::I64x2Splat => self.splat(I64X2),
            O::F32x4Splat => self.splat(F32X4),
            O::F64x2Splat => self.splat(F64X2),
            O::I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, *lane, LaneExt::Signed),
            O::I8x16ExtractLaneU { lane } => self.extract_lane(I8X16, *lane, LaneExt::Unsigned),
            O::I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, *lane, LaneExt::Signed),
            O::I16x8ExtractLaneU { lane } => self.extract_lane(I16X8, *lane, LaneExt::Unsigned),
            O::I32x4ExtractLane { lane } => self.extract_lane(I32X4, *lane, LaneExt::None),
            O::I64x2ExtractLane { lane } => self.extract_lane(I64X2, *lane, LaneExt::None),
            O::F32x4ExtractLane { lane } => self.extract_lane(F32X4, *lane, LaneExt::None),
            O::F64x2ExtractLane { lane } => self.extract_lane(F64X2, *lane, LaneExt::None),
            O::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, *lane),
            O::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, *lane),
            O::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, *lane),
            O::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, *lane),
            O::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, *lane),
            O::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, *lane),

            // ---- integer comparisons
            O::I8x16Eq => self.vicmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.vicmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.vicmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.vicmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.vicmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.vicmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.vicmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.vicmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.vicmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.vicmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.vicmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.vicmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.vicmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.vicmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.vicmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.vicmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.vicmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.vicmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.vicmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.vicmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.vicmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.vicmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.vicmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.vicmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.vicmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.vicmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.vicmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.vicmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.vicmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.vicmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.vicmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.vicmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.vicmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.vicmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.vicmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.vicmp(I64X2, IntCC::SignedGreaterThanOrEqual),

            // ---- float comparisons (`ne` is true for unordered lanes)
            O::F32x4Eq => self.vfcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.vfcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.vfcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.vfcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.vfcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.vfcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.vfcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.vfcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.vfcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.vfcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.vfcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.vfcmp(F64X2, FloatCC::GreaterThanOrEqual),

            // ---- bitwise
            O::V128Not => unary!(I8X16, bnot),
            O::V128And => binary!(I8X16, band),
            O::V128AndNot => binary!(I8X16, band_not),
            O::V128Or => binary!(I8X16, bor),
            O::V128Xor => binary!(I8X16, bxor),
            O::V128Bitselect => {
                let mask = self.vpop(I8X16);
                let (a, b) = self.vpop2(I8X16);
                let v = self.builder.ins().bitselect(mask, a, b);
                self.vpush(v);
            }
            O::V128AnyTrue => to_i32!(I8X16, vany_true),

            // ---- lane reductions
            O::I8x16AllTrue => to_i32!(I8X16, vall_true),
            O::I16x8AllTrue => to_i32!(I16X8, vall_true),
            O::I32x4AllTrue => to_i32!(I32X4, vall_true),
            O::I64x2AllTrue => to_i32!(I64X2, vall_true),
            O::I8x16Bitmask | O::I16x8Bitmask | O::I32x4Bitmask | O::I64x2Bitmask => {
                let ty = match op {
                    O::I8x16Bitmask => I8X16,
                    O::I16x8Bitmask => I16X8,
                    O::I32x4Bitmask => I32X4,
                    _ => I64X2,
                };
                let a = self.vpop(ty);
                let v = self.builder.ins().vhigh_bits(I32, a);
                self.push(v);
            }

            // ---- integer arithmetic
            O::I8x16Abs => unary!(I8X16, iabs),
            O::I16x8Abs => unary!(I16X8, iabs),
            O::I32x4Abs => unary!(I32X4, iabs),
            O::I64x2Abs => unary!(I64X2, iabs),
            O::I8x16Neg => unary!(I8X16, ineg),
            O::I16x8Neg => unary!(I16X8, ineg),
            O::I32x4Neg => unary!(I32X4, ineg),
            O::I64x2Neg => unary!(I64X2, ineg),
            O::I8x16Popcnt => unary!(I8X16, popcnt),
            O::I8x16Add => binary!(I8X16, iadd),
            O::I16x8Add => binary!(I16X8, iadd),
            O::I32x4Add => binary!(I32X4, iadd),
            O::I64x2Add => binary!(I64X2, iadd),
            O::I8x16Sub => binary!(I8X16, isub),
            O::I16x8Sub => binary!(I16X8, isub),
            O::I32x4Sub => binary!(I32X4, isub),
            O::I64x2Sub => binary!(I64X2, isub),
            O::I16x8Mul => binary!(I16X8, imul),
            O::I32x4Mul => binary!(I32X4, imul),
            O::I64x2Mul => binary!(I64X2, imul),
            O::I8x16AddSatS => binary!(I8X16, sadd_sat),
            O::I8x16AddSatU => binary!(I8X16, uadd_sat),
            O::I16x8AddSatS => binary!(I16X8, sadd_sat),
            O::I16x8AddSatU => binary!(I16X8, uadd_sat),
            O::I8x16SubSatS => binary!(I8X16, ssub_sat),
            O::I8x16SubSatU => binary!(I8X16, usub_sat),
            O::I16x8SubSatS => binary!(I16X8, ssub_sat),
            O::I16x8SubSatU => binary!(I16X8, usub_sat),
            O::I8x16MinS => binary!(I8X16, smin),
            O::I8x16MinU => binary!(I8X16, umin),
            O::I8x16MaxS => binary!(I8X16, smax),
            O::I8x16MaxU => binary!(I8X16, umax),
            O::I16x8MinS => binary!(I16X8, smin),
            O::I16x8MinU => binary!(I16X8, umin),
            O::I16x8MaxS => binary!(I16X8, smax),
            O::I16x8MaxU => binary!(I16X8, umax),
            O::I32x4MinS => binary!(I32X4, smin),
            O::I32x4MinU => binary!(I32X4, umin),
            O::I32x4MaxS => binary!(I32X4, smax),
            O::I32x4MaxU => binary!(I32X4, umax),
            O::I8x16AvgrU => binary!(I8X16, avg_round),
            O::I16x8AvgrU => binary!(I16X8, avg_round),
            O::I16x8Q15MulrSatS => binary!(I16X8, sqmul_round_sat),
            O::I8x16Shl => self.shift(I8X16, Left),
            O::I8x16ShrS => self.shift(I8X16, RightSigned),
            O::I8x16ShrU => self.shift(I8X16, RightUnsigned),
            O::I16x8Shl => self.shift(I16X8, Left),
            O::I16x8ShrS => self.shift(I16X8, RightSigned),
            O::I16x8ShrU => self.shift(I16X8, RightUnsigned),
            O::I32x4Shl => self.shift(I32X4, Left),
            O::I32x4ShrS => self.shift(I32X4, RightSigned),
            O::I32x4ShrU => self.shift(I32X4, RightUnsigned),
            O::I64x2Shl => self.shift(I64X2, Left),
            O::I64x2ShrS => self.shift(I64X2, RightSigned),
            O::I64x2ShrU => self.shift(I64X2, RightUnsigned),

            // ---- narrowing (inputs are signed for both; results saturate)
            O::I8x16NarrowI16x8S => binary!(I16X8, snarrow),
            O::I8x16NarrowI16x8U => binary!(I16X8, unarrow),
            O::I16x8NarrowI32x4S => binary!(I32X4, snarrow),
            O::I16x8NarrowI32x4U => binary!(I32X4, unarrow),

            // ---- widening
            O::I16x8ExtendLowI8x16S => self.widen(I8X16, Low, true),
            O::I16x8ExtendHighI8x16S => self.widen(I8X16, High, true),
            O::I16x8ExtendLowI8x16U => self.widen(I8X16, Low, false),
            O::I16x8ExtendHighI8x16U => self.widen(I8X16, High, false),
            O::I32x4ExtendLowI16x8S => self.widen(I16X8, Low, true),
            O::I32x4ExtendHighI16x8S => self.widen(I16X8, High, true),
            O::I32x4ExtendLowI16x8U => self.widen(I16X8, Low, false),
            O::I32x4ExtendHighI16x8U => self.widen(I16X8, High, false),
            O::I64x2ExtendLowI32x4S => self.widen(I32X4, Low, true),
            O::I64x2ExtendHighI32x4S => self.widen(I32X4, High, true),
            O::I64x2ExtendLowI32x4U => self.widen(I32X4, Low, false),
            O::I64x2ExtendHighI32x4U => self.widen(I32X4, High, false),
            O::I16x8ExtMulLowI8x16S => self.extmul(I8X16, Low, true),
            O::I16x8ExtMulHighI8x16S => self.extmul(I8X16, High, true),
            O::I16x8ExtMulLowI8x16U => self.extmul(I8X16, Low, false),
            O::I16x8ExtMulHighI8x16U => self.extmul(I8X16, High, false),
            O::I32x4ExtMulLowI16x8S => self.extmul(I16X8, Low, true),
            O::I32x4ExtMulHighI16x8S => self.extmul(I16X8, High, true),
            O::I32x4ExtMulLowI16x8U => self.extmul(I16X8, Low, false),
            O::I32x4ExtMulHighI16x8U => self.extmul(I16X8, High, false),
            O::I64x2ExtMulLowI32x4S => self.extmul(I32X4, Low, true),
            O::I64x2ExtMulHighI32x4S => self.extmul(I32X4, High, true),
            O::I64x2ExtMulLowI32x4U => self.extmul(I32X4, Low, false),
            O::I64x2ExtMulHighI32x4U => self.extmul(I32X4, High, false),
            O::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),
            O::I32x4DotI16x8S => {
                // Products of the low and of the high halves, then sums of
                // adjacent products (wrapping, as wasm specifies).
                let (a, b) = self.vpop2(I16X8);
                let a_lo = self.builder.ins().swiden_low(a);
                let b_lo = self.builder.ins().swiden_low(b);
                let a_hi = self.builder.ins().swiden_high(a);
                let b_hi = self.builder.ins().swiden_high(b);
                let lo = self.builder.ins().imul(a_lo, b_lo);
                let hi = self.builder.ins().imul(a_hi, b_hi);
                let v = self.builder.ins().iadd_pairwise(lo, hi);
                self.vpush(v);
            }

            // ---- float arithmetic
            O::F32x4Abs => unary!(F32X4, fabs),
            O::F64x2Abs => unary!(F64X2, fabs),
            O::F32x4Neg => unary!(F32X4, fneg),
            O::F64x2Neg => unary!(F64X2, fneg),
            O::F32x4Sqrt => unary!(F32X4, sqrt),
            O::F64x2Sqrt => unary!(F64X2, sqrt),
            O::F32x4Ceil => unary!(F32X4, ceil),
            O::F64x2Ceil => unary!(F64X2, ceil),
            O::F32x4Floor => unary!(F32X4, floor),
            O::F64x2Floor => unary!(F64X2, floor),
            O::F32x4Trunc => unary!(F32X4, trunc),
            O::F64x2Trunc => unary!(F64X2, trunc),
            O::F32x4Nearest => unary!(F32X4, nearest),
            O::F64x2Nearest => unary!(F64X2, nearest),
            O::F32x4Add => binary!(F32X4, fadd),
            O::F64x2Add => binary!(F64X2, fadd),
            O::F32x4Sub => binary!(F32X4, fsub),
            O::F64x2Sub => binary!(F64X2, fsub),
            O::F32x4Mul => binary!(F32X4, fmul),
            O::F64x2Mul => binary!(F64X2, fmul),
            O::F32x4Div => binary!(F32X4, fdiv),
            O::F64x2Div => binary!(F64X2, fdiv),
            // Cranelift's fmin/fmax are wasm's: NaN-propagating, -0 < +0.
            O::F32x4Min => binary!(F32X4, fmin),
            O::F64x2Min => binary!(F64X2, fmin),
            O::F32x4Max => binary!(F32X4, fmax),
            O::F64x2Max => binary!(F64X2, fmax),
            O::F32x4PMin => self.pseudo_min_max(F32X4, false),
            O::F64x2PMin => self.pseudo_min_max(F64X2, false),
            O::F32x4PMax => self.pseudo_min_max(F32X4, true),
            O::F64x2PMax => self.pseudo_min_max(F64X2, true),

            // ---- conversions
            O::I32x4TruncSatF32x4S => convert!(F32X4, fcvt_to_sint_sat, I32X4),
            O::I32x4TruncSatF32x4U => convert!(F32X4, fcvt_to_uint_sat, I32X4),
            O::F32x4ConvertI32x4S => convert!(I32X4, fcvt_from_sint, F32X4),
            O::F32x4ConvertI32x4U => convert!(I32X4, fcvt_from_uint, F32X4),
            O::I32x4TruncSatF64x2SZero | O::I32x4TruncSatF64x2UZero => {
                // Saturate each f64 lane to a 64-bit integer, then narrow
                // (saturating to 32 bits) against zero upper lanes.
                let signed = matches!(op, O::I32x4TruncSatF64x2SZero);
                let a = self.vpop(F64X2);
                let zero = self.vconst(I64X2, [0; 16]);
                let v = if signed {
                    let wide = self.builder.ins().fcvt_to_sint_sat(I64X2, a);
                    self.builder.ins().snarrow(wide, zero)
                } else {
                    let wide = self.builder.ins().fcvt_to_uint_sat(I64X2, a);
                    self.builder.ins().uunarrow(wide, zero)
                };
                self.vpush(v);
            }
            O::F64x2ConvertLowI32x4S | O::F64x2ConvertLowI32x4U => {
                let signed = matches!(op, O::F64x2ConvertLowI32x4S);
                let a = self.vpop(I32X4);
                let wide = self.widen_value(a, Low, signed);
                let v = if signed {
                    self.builder.ins().fcvt_from_sint(F64X2, wide)
                } else {
                    self.builder.ins().fcvt_from_uint(F64X2, wide)
                };
                self.vpush(v);
            }
            O::F32x4DemoteF64x2Zero => unary!(F64X2, fvdemote),
            O::F64x2PromoteLowF32x4 => unary!(F32X4, fvpromote_low),

            // ---- relaxed SIMD: one fixed choice per operator, the same on
            // every machine (notes/WASM3.md lists them).
            O::I8x16RelaxedSwizzle => binary!(I8X16, swizzle),
            O::I32x4RelaxedTruncF32x4S => convert!(F32X4, fcvt_to_sint_sat, I32X4),
            O::I32x4RelaxedTruncF32x4U => convert!(F32X4, fcvt_to_uint_sat, I32X4),
            O::I32x4RelaxedTruncF64x2SZero | O::I32x4RelaxedTruncF64x2UZero => {
                let signed = matches!(op, O::I32x4RelaxedTruncF64x2SZero);
                let a = self.vpop(F64X2);
                let zero = self.vconst(I64X2, [0; 16]);
                let v = if signed {
                    let wide = self.builder.ins().fcvt_to_sint_sat(I64X2, a);
                    self.builder.ins().snarrow(wide, zero)
                } else {
                    let wide = self.builder.ins().fcvt_to_uint_sat(I64X2, a);
                    self.builder.ins().uunarrow(wide, zero)
                };
                self.vpush(v);
            }
            O::F32x4RelaxedMadd
            | O::F32x4RelaxedNmadd
            | O::F64x2RelaxedMadd
            | O::F64x2RelaxedNmadd => {
                // Unfused: a * b rounded, then added to c.
                let ty = if matches!(op, O::F32x4RelaxedMadd | O::F32x4RelaxedNmadd) {
                    F32X4
                } else {
                    F64X2
                };
                let c = self.vpop(ty);
                let (a, b) = self.vpop2(ty);
                let mut product = self.builder.ins().fmul(a, b);
                if matches!(op, O::F32x4RelaxedNmadd | O::F64x2RelaxedNmadd) {
                    product = self.builder.ins().fneg(product);
                }
                let v = self.builder.ins().fadd(product, c);
                self.vpush(v);
            }
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                // Bitwise select, as v128.bitselect.
                let mask = self.vpop(I8X16);
                let (a, b) = self.vpop2(I8X16);
                let v = self.builder.ins().bitselect(mask, a, b);
                self.vpush(v);
            }
            O::F32x4RelaxedMin => binary!(F32X4, fmin),
            O::F64x2RelaxedMin => binary!(F64X2, fmin),
            O::F32x4RelaxedMax => binary!(F32X4, fmax),
            O::F64x2RelaxedMax => binary!(F64X2, fmax),
            O::I16x8RelaxedQ15mulrS => binary!(I16X8, sqmul_round_sat),
            O::I16x8RelaxedDotI8x16I7x16S => {
                let (a, b) = self.vpop2(I8X16);
                let v = self.dot_i8x16_signed(a, b);
                self.vpush(v);
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.vpop(I32X4);
                let (a, b) = self.vpop2(I8X16);
                let dot = self.dot_i8x16_signed(a, b);
                let lo = self.widen_value(dot, Half::Low, true);
                let hi = self.widen_value(dot, Half::High, true);
                let sums = self.builder.ins().iadd_pairwise(lo, hi);
                let v = self.builder.ins().iadd(sums, c);
                self.vpush(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Which half of a vector's lanes an operator widens.
#[derive(Copy, Clone)]
enum Half {
    Low,
    High,
}

#[derive(Copy, Clone)]
enum Shift {
    Left,
    RightSigned,
    RightUnsigned,
}

/// How `extract_lane` extends a narrow lane to `i32`.
#[derive(Copy, Clone)]
enum LaneExt {
    None,
    Signed,
    Unsigned,
}

/// The 8-byte loads that extend each lane to twice its width.
#[derive(Copy, Clone)]
enum Extend {
    S8x8,
    U8x8,
    S16x4,
    U16x4,
    S32x2,
    U32x2,
}

/// The shapes of vector load.
#[derive(Copy, Clone)]
enum VLoad {
    /// `v128.load`: 16 bytes.
    Full,
    /// `v128.loadMxN_{s,u}`: 8 bytes, each lane extended.
    Extend(Extend),
    /// `v128.loadN_splat`: one lane of the vector shape, in every lane.
    Splat(Type),
    /// `v128.loadN_zero`: one lane of the vector shape in lane 0, zeros above.
    Zero(Type),
}
