//! The load harness's own pieces (crates/live-sdk/benches/load), compiled here so that
//! `cargo test` keeps them working: a tiny run with the emulators in this process, and the
//! histogram, `/proc` parsing and stamps it measures with. Nothing here asserts a timing.

#[allow(dead_code)]
#[path = "../../benches/load/measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../../benches/load/run.rs"]
mod run;
#[allow(dead_code)]
#[path = "../../benches/load/serve.rs"]
mod serve;

use std::time::Duration;

use measure::{Histogram, cpu_of_stat, stamp_id, stamp_of};
use run::{Api, Options};
use serve::{Plan, Served};

fn options(api: Api) -> Options {
    Options {
        plan: Plan {
            kick: 2,
            tiktok: 2,
            rate: 400.0,
            load: Duration::from_millis(600),
        },
        api,
        concurrency: 4,
        idle: Duration::ZERO,
        warmup: Duration::from_millis(100),
        pinned: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_run_delivers_every_stamped_event_through_either_api() {
    for api in [Api::Facade, Api::Direct] {
        let options = options(api);
        let mut served = Served::start(options.plan.clone()).await.unwrap();
        let report = run::run(&options, &mut served).await.unwrap();
        assert!(report.sent > 0, "{report:?}");
        assert_eq!(report.delivered, report.sent, "{report:?}");
        assert_eq!(report.kick_channels + report.tiktok_rooms, 4);
        assert!(report.latency_samples > 0, "{report:?}");
        assert!(report.kick_latency.samples > 0 && report.tiktok_latency.samples > 0);
        let table = report.table();
        assert!(
            table.contains("4 (2 Kick channels on one socket, 2 TikTok rooms)"),
            "{table}"
        );
        assert!(report.json().starts_with("{\"api\""), "{}", report.json());
    }
}

#[test]
fn the_histogram_is_exact_below_2048_us_and_close_above() {
    let mut histogram = Histogram::new();
    for value in 1..=1000 {
        histogram.record(value);
    }
    assert_eq!(histogram.quantile(0.5), 500);
    assert_eq!(histogram.quantile(0.99), 990);
    assert_eq!(histogram.max(), 1000);
    let mut wide = Histogram::new();
    for value in [3_000_000u64, 5_000, 70_000] {
        wide.record(value);
    }
    let p99 = wide.quantile(0.99);
    assert!(
        p99 <= 3_000_000 && p99 as f64 >= 3_000_000.0 * 0.999,
        "{p99}"
    );
    let mut merged = Histogram::new();
    merged.merge(&histogram);
    merged.merge(&wide);
    assert_eq!((merged.len(), merged.max()), (1003, 3_000_000));
    assert_eq!(Histogram::new().quantile(0.99), 0);
}

#[test]
fn stamps_and_proc_stat_parse() {
    let id = stamp_id(1_795_000_000_123_456, 7);
    assert_eq!(stamp_of(&id.to_string()), Some(1_795_000_000_123_456));
    assert_eq!(stamp_of(&format!("{id}-k")), Some(1_795_000_000_123_456));
    assert_eq!(stamp_of("not-a-stamp"), None);
    // A command name with spaces and parentheses; utime 250 and stime 50 ticks at 100 Hz.
    let stat = "4242 (load (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 0 0";
    assert_eq!(cpu_of_stat(stat, 100), Some(Duration::from_secs(3)));
    assert_eq!(cpu_of_stat("garbage", 100), None);
    assert!(measure::rss_kib().is_some_and(|kib| kib > 0));
}
