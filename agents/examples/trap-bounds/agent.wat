;; Example agent: reads the first byte past the end of its linear memory,
;; so the kernel traps it with `out of bounds memory access`. Written in
;; WebAssembly text because safe Rust cannot make such a read.
(module
  (import "aios" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "trap-bounds: reading the first byte past the end of memory")

  ;; The address is computed at run time from the memory's size.
  (func $read_past_the_end (result i32)
    (i32.load8_u (i32.mul (memory.size) (i32.const 65536))))

  (func (export "aios_main") (result i32)
    ;; Level 3 is info; the line is the 58 bytes at offset 0.
    (drop (call $log (i32.const 3) (i32.const 0) (i32.const 58)))
    (call $read_past_the_end)))
