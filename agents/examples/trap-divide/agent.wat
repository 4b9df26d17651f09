;; Example agent: divides by a zero it reads from memory at run time, so
;; the kernel traps it with `integer divide by zero`. Written in
;; WebAssembly text because Rust checks every division for a zero divisor
;; and panics first (a panic ends in `unreachable`, not in this trap).
(module
  (import "aios" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "trap-divide: dividing by a zero read from memory")
  ;; The divisor.
  (data (i32.const 64) "\00\00\00\00")

  (func $divide (param $dividend i32) (param $divisor i32) (result i32)
    (i32.div_s (local.get $dividend) (local.get $divisor)))

  (func (export "aios_main") (result i32)
    ;; Level 3 is info; the line is the 48 bytes at offset 0.
    (drop (call $log (i32.const 3) (i32.const 0) (i32.const 48)))
    (call $divide (i32.const 1) (i32.load (i32.const 64)))))
