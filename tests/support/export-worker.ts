/**
 * A stand-in export worker for the export queue's tests: it answers at once, waits for the
 * test to let it go, never finishes, exits, or runs out of memory, as the job asks.
 */
export type FixtureJob =
  | { kind: "echo"; value: string }
  | { kind: "hold"; gate: SharedArrayBuffer; value: string }
  | { kind: "loop" }
  | { kind: "exit" }
  | { kind: "hog" };

export default function run(job: FixtureJob): string {
  switch (job.kind) {
    case "echo":
      return job.value;
    case "hold":
      Atomics.wait(new Int32Array(job.gate), 0, 0);
      return job.value;
    case "loop":
      for (;;);
    case "exit":
      return process.exit(1);
    case "hog": {
      const kept: number[][] = [];
      for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
    }
  }
}
