// chDB's allocator (jemalloc) reads its options once, when the engine's library loads: clickhouse.ts imports this module
// before chDB, so every entry point (the CLI, the benchmark's jobs, the tests) runs the engine with the same options.
// Transparent huge pages (granted where the kernel's setting allows them on request) cut the page faults of loading the
// 2.8M-row file from 2.07 million to under a million, and ingest's time by a quarter. A user's own JE_MALLOC_CONF wins.
process.env.JE_MALLOC_CONF ??= 'thp:always';
