;; Example agent: calls a function through its table with the wrong
;; signature, so the kernel traps it with `indirect call type mismatch`.
;; Written in WebAssembly text because safe Rust only makes indirect calls
;; whose signature matches.
(module
  (import "aios" "log" (func $log (param i32 i32 i32) (result i32)))
  (type $no_arguments (func (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "trap-indirect: calling a one-argument function with no argument")
  (table 1 funcref)
  (elem (i32.const 0) $increment)

  (func $increment (param $value i32) (result i32)
    (i32.add (local.get $value) (i32.const 1)))

  ;; Calls table slot `$slot` as a function of no arguments.
  (func $call_slot (param $slot i32) (result i32)
    (call_indirect (type $no_arguments) (local.get $slot)))

  (func (export "aios_main") (result i32)
    ;; Level 3 is info; the line is the 63 bytes at offset 0.
    (drop (call $log (i32.const 3) (i32.const 0) (i32.const 63)))
    (call $call_slot (i32.const 0))))
