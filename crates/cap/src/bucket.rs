//! A token bucket driven by the caller's clock, used for rate quotas.

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Tokens refill continuously at `rate` per second up to `rate` (one
/// second's worth). The balance may go negative when more was used than
/// allowed (fuel slices can overshoot); the debt is repaid by refills.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: u64,
    balance: i128,
    last_ns: u64,
    /// Refill credit below one token, in token-nanoseconds, so slow rates
    /// and frequent calls do not lose fractions.
    carry: u128,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: u64) -> Self {
        TokenBucket {
            rate,
            balance: i128::from(rate),
            last_ns: 0,
            carry: 0,
        }
    }

    /// Adds the tokens earned since the last call. A clock that goes
    /// backwards earns nothing.
    fn refill(&mut self, now_ns: u64) {
        let elapsed = now_ns.saturating_sub(self.last_ns);
        self.last_ns = self.last_ns.max(now_ns);
        let capacity = i128::from(self.rate);
        if self.balance >= capacity {
            self.carry = 0;
            return;
        }
        let earned = u128::from(elapsed) * u128::from(self.rate) + self.carry;
        let whole = earned / NANOS_PER_SECOND;
        self.carry = earned % NANOS_PER_SECOND;
        let whole = i128::try_from(whole).unwrap_or(i128::MAX);
        self.balance = self.balance.saturating_add(whole).min(capacity);
        if self.balance == capacity {
            self.carry = 0;
        }
    }

    /// Tokens available now (0 while in debt).
    pub fn available(&mut self, now_ns: u64) -> u64 {
        self.refill(now_ns);
        u64::try_from(self.balance.max(0)).unwrap_or(u64::MAX)
    }

    /// Removes `tokens` whether or not they were available.
    pub fn charge(&mut self, tokens: u64, now_ns: u64) {
        self.refill(now_ns);
        self.balance = self.balance.saturating_sub(i128::from(tokens));
    }

    /// Nanoseconds until the balance is positive again (0 if it is now).
    pub fn wait_ns(&mut self, now_ns: u64) -> u64 {
        self.refill(now_ns);
        if self.balance > 0 || self.rate == 0 {
            return 0;
        }
        let missing = u128::try_from(1 - self.balance).unwrap_or(u128::MAX);
        let needed = missing
            .saturating_mul(NANOS_PER_SECOND)
            .saturating_sub(self.carry);
        u64::try_from(needed.div_ceil(u128::from(self.rate))).unwrap_or(u64::MAX)
    }

    /// Removes `tokens` only if that many are available.
    pub fn try_take(&mut self, tokens: u64, now_ns: u64) -> bool {
        if self.available(now_ns) < tokens {
            return false;
        }
        self.balance = self.balance.saturating_sub(i128::from(tokens));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000_000_000;

    #[test]
    fn starts_full_and_refills_proportionally() {
        let mut bucket = TokenBucket::new(1000);
        assert_eq!(bucket.available(0), 1000);
        bucket.charge(1000, 0);
        assert_eq!(bucket.available(0), 0);
        assert_eq!(bucket.available(SECOND / 4), 250);
        assert_eq!(bucket.available(SECOND), 1000);
        assert_eq!(
            bucket.available(10 * SECOND),
            1000,
            "capacity is one second"
        );
    }

    #[test]
    fn debt_is_repaid_before_tokens_return() {
        let mut bucket = TokenBucket::new(100);
        bucket.charge(300, 0);
        assert_eq!(bucket.available(SECOND), 0);
        assert_eq!(bucket.available(2 * SECOND), 0);
        assert_eq!(bucket.available(3 * SECOND), 100);
    }

    #[test]
    fn fractions_accumulate_over_many_small_steps() {
        let mut bucket = TokenBucket::new(3);
        bucket.charge(3, 0);
        // 3 per second checked every millisecond: a token every 333.3 ms.
        let mut now = 0;
        while now < SECOND {
            now += SECOND / 1000;
            bucket.available(now);
        }
        assert_eq!(bucket.available(now), 3);
    }

    #[test]
    fn wait_ns_says_when_debt_is_repaid() {
        let mut bucket = TokenBucket::new(1000);
        assert_eq!(bucket.wait_ns(0), 0);
        bucket.charge(1500, 0);
        // 501 tokens short of a positive balance: 501 ms at 1000/s.
        assert_eq!(bucket.wait_ns(0), 501 * SECOND / 1000);
        let later = bucket.wait_ns(0);
        assert_eq!(bucket.available(later - 1), 0);
        assert_eq!(bucket.available(later), 1);
        assert_eq!(bucket.wait_ns(SECOND), 0);
    }

    #[test]
    fn clock_going_backwards_earns_nothing() {
        let mut bucket = TokenBucket::new(10);
        assert!(bucket.try_take(10, 5 * SECOND));
        assert!(!bucket.try_take(1, SECOND));
        assert_eq!(bucket.available(5 * SECOND), 0);
        assert!(bucket.try_take(1, 5 * SECOND + SECOND / 10));
    }
}
