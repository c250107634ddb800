//! napi-rs's link setup (no-op on Linux, `-undefined dynamic_lookup` on macOS).
fn main() {
    napi_build::setup();
}
