//! Routing: exact names, patterns, round-robin, agents, natural language.

use aios_ipc::{
    Destination, Error, IntentSpec, LexicalMatcher, Matcher, PER_MILLE, Pattern, Route, RouteError,
    Router,
};

fn spec(name: &str, description: &str) -> IntentSpec {
    IntentSpec::new(name, description, "{ text: text }", "{ text: text }").unwrap()
}

fn intent(name: &str) -> Destination {
    Destination::Intent(name.into())
}

fn request(text: &str) -> Destination {
    Destination::Request(text.into())
}

fn router() -> Router {
    let mut router = Router::new();
    router
        .register(
            1,
            spec(
                "text.summarize",
                "Summarize a long text into a few sentences",
            ),
        )
        .unwrap();
    router
        .register(
            2,
            spec("text.translate", "Translate a text between languages"),
        )
        .unwrap();
    router
        .register(3, spec("text.*", "Any other text processing"))
        .unwrap();
    router
        .register(
            4,
            spec("weather.forecast", "Forecast the weather for a city"),
        )
        .unwrap();
    router.register(5, spec("*", "Catch every intent")).unwrap();
    router
}

#[test]
fn exact_names_win_over_patterns() {
    let mut router = router();
    assert_eq!(router.route(&intent("text.summarize"), ""), Ok(1));
    assert_eq!(router.route(&intent("text.spell.check"), ""), Ok(3));
    assert_eq!(router.route(&intent("calendar.add"), ""), Ok(5));
    let route = router.resolve(&intent("text.shout"), "").unwrap();
    assert_eq!(
        route,
        Route {
            agent: 3,
            intent: "text.*".into()
        }
    );
    assert_eq!(
        router.spec("text.shout").map(|s| s.name.as_str()),
        Some("text.*")
    );
}

#[test]
fn unknown_and_unserved_intents() {
    let mut router = Router::new();
    router
        .register(1, spec("text.summarize", "Summarize a text"))
        .unwrap();
    assert_eq!(
        router.route(&intent("image.crop"), ""),
        Err(RouteError::NoSuchIntent)
    );
    router.unregister(1);
    assert_eq!(
        router.route(&intent("text.summarize"), ""),
        Err(RouteError::NoAgent)
    );
    // A restarted agent may redeclare the intent with a new schema.
    let changed = IntentSpec::new("text.summarize", "Summarize", "{ t: text }", "text").unwrap();
    router.register(7, changed.clone()).unwrap();
    assert_eq!(router.route(&intent("text.summarize"), ""), Ok(7));
    assert_eq!(
        router.register(8, spec("text.summarize", "other")),
        Err(Error::ConflictingSpec)
    );
    router.register(8, changed).unwrap();
    // The fields are public, so the router checks the name again.
    let bad = IntentSpec {
        name: "Bad Name".into(),
        ..spec("a", "x")
    };
    assert_eq!(router.register(9, bad), Err(Error::InvalidName));
}

#[test]
fn agents_serving_an_intent_take_turns() {
    let mut router = Router::new();
    for agent in [10, 11, 12] {
        router
            .register(agent, spec("text.summarize", "Summarize"))
            .unwrap();
    }
    router
        .register(11, spec("text.summarize", "Summarize"))
        .unwrap();
    let turns: Vec<u64> = (0..7)
        .map(|_| router.route(&intent("text.summarize"), "").unwrap())
        .collect();
    assert_eq!(turns, [10, 11, 12, 10, 11, 12, 10]);
    router.unregister(11);
    let turns: Vec<u64> = (0..4)
        .map(|_| router.route(&intent("text.summarize"), "").unwrap())
        .collect();
    assert!(turns.windows(2).all(|pair| pair[0] != pair[1]) && !turns.contains(&11));
}

#[test]
fn agent_destinations_must_serve_the_intent() {
    let mut router = router();
    assert_eq!(
        router.route(&Destination::Agent(2), "text.translate"),
        Ok(2)
    );
    assert_eq!(router.route(&Destination::Agent(3), "text.shout"), Ok(3));
    assert_eq!(
        router.route(&Destination::Agent(2), "text.summarize"),
        Err(RouteError::NoSuchIntent)
    );
    assert_eq!(
        router.route(&Destination::Agent(99), "text.summarize"),
        Err(RouteError::NoAgent)
    );
}

#[test]
fn requests_go_to_the_best_description() {
    let mut router = router();
    assert_eq!(
        router.route(&request("Please summarize this text for me"), ""),
        Ok(1)
    );
    assert_eq!(
        router.route(&request("translate these texts to French"), ""),
        Ok(2)
    );
    let route = router
        .resolve(&request("what's the weather forecast in Paris?"), "")
        .unwrap();
    assert_eq!(
        route,
        Route {
            agent: 4,
            intent: "weather.forecast".into()
        }
    );
    assert_eq!(
        router.route(&request("reboot the machine now"), ""),
        Err(RouteError::NoMatch)
    );
    assert_eq!(
        router.route(&request("the of and"), ""),
        Err(RouteError::NoMatch)
    );
}

#[test]
fn threshold_decides_between_match_and_no_match() {
    let build = |threshold| {
        let mut router = Router::with_matcher(LexicalMatcher::default(), threshold);
        router
            .register(1, spec("text.summarize", "Summarize a long text"))
            .unwrap();
        router
            .register(2, spec("image.crop", "Crop an image"))
            .unwrap();
        router
    };
    // "text" is one of three significant words in the request.
    let vague = request("text about gardens and flowers");
    let score = {
        let mut matcher = LexicalMatcher::default();
        matcher.index(&["Summarize a long text", "Crop an image"]);
        matcher.score("text about gardens and flowers", "Summarize a long text")
    };
    assert!(score > 0 && score < PER_MILLE);
    assert_eq!(build(score).route(&vague, ""), Ok(1));
    assert_eq!(build(score + 1).route(&vague, ""), Err(RouteError::NoMatch));
}

#[test]
fn rare_words_weigh_more_than_common_ones() {
    let mut matcher = LexicalMatcher::default();
    let descriptions = [
        "Summarize a text",
        "Translate a text",
        "Count words in a text",
    ];
    matcher.index(&descriptions);
    let rare = matcher.score("summarize document", descriptions[0]);
    let common = matcher.score("text document", descriptions[0]);
    assert!(rare > common, "rare {rare} common {common}");
    assert_eq!(matcher.score("summarize text", descriptions[0]), PER_MILLE);
    assert_eq!(matcher.score("", descriptions[0]), 0);
}

#[test]
fn patterns_match_one_or_more_segments() {
    let pattern = Pattern::parse("text.*").unwrap();
    assert!(pattern.matches("text.summarize") && pattern.matches("text.translate.fr"));
    assert!(!pattern.matches("text") && !pattern.matches("textual.x") && !pattern.matches("text."));
    assert!(Pattern::parse("*").unwrap().matches("anything.at.all"));
    assert!(Pattern::parse("text.summarize").unwrap().is_exact());
    for bad in ["", "text..*", ".*", "text.*.x", "Text", "a..b", "a b"] {
        assert_eq!(Pattern::parse(bad), Err(Error::InvalidName), "{bad:?}");
    }
}

#[test]
fn served_lists_the_intents_someone_serves_with_their_descriptions() {
    let mut router = router();
    let served = router.served();
    assert_eq!(served.len(), 5);
    assert!(served.contains(&(
        "weather.forecast".to_string(),
        "Forecast the weather for a city".to_string()
    )));
    router.unregister(4);
    assert!(
        router
            .served()
            .iter()
            .all(|(name, _)| name != "weather.forecast")
    );
}
