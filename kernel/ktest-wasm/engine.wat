;; The module the in-kernel engine tests run: a host call, one export per
;; trap kind, memory growth, floats, and a loop that yields to the epoch.
(module
  (import "host" "double" (func $double (param i32) (result i32)))
  (import "host" "tick" (func $tick))
  (memory (export "memory") 1)
  (type $unary (func (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $add)
  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_host") (param i32) (result i32)
    (i32.add (call $double (local.get 0)) (i32.const 1)))
  (func (export "unreachable") unreachable)
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (type $unary) (i32.const 5) (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "floats") (param f64 f64) (result f64)
    (f64.add (f64.sqrt (local.get 0)) (f64.nearest (local.get 1))))
  ;; Adds 0.5 `n` times, calling `tick` (which bumps the epoch) every
  ;; 1,000 rounds, so the loop head's epoch check yields mid-sum.
  (func (export "sum_halves") (param $n i32) (result f64)
    (local $i i32) (local $sum f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (f64.add (local.get $sum) (f64.const 0.5)))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000))) (then (call $tick)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
