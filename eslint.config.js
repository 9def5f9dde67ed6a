// ESLint for the whole project: typescript-eslint's recommended rules, React's rules of
// hooks in the UI, and the boundaries the architecture depends on (docs/decisions/0002).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["build/", "public/build/", ".cache/", "node_modules/", "tests/output/", "tests/bench/results/", "data/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-undef": "off",
    },
  },
  {
    // Tests read JSON bodies of many shapes in their assertions.
    files: ["tests/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      // The Remix bundle would hold a second copy of any server module a route imports at run
      // time: a second database connection and a second set of loaded plans. Services reach
      // routes through the load context; from server/ the UI imports types only.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/**", "**/db/**"],
              allowTypeImports: true,
              message:
                "The UI imports only types from server/ and db/; services come through the load context (docs/decisions/0002).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "server/**/*.ts", "db/**/*.ts"],
    ignores: ["server/env.server.ts"],
    rules: {
      // One module reads and validates the environment; everything else is handed its values.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment through server/env.server.ts." },
      ],
    },
  },
  {
    // The services' queries run on SQLite and PostgreSQL alike (decision 0047): a statement is
    // awaited, never run with SQLite's synchronous calls. What reads SQLite's own file (the
    // document store's hot path, the audit chain's raw walk, the backup) is exempt.
    files: ["server/**/*.ts"],
    ignores: ["server/collab/doc-store.server.ts", "server/plans/audit-chain.server.ts", "server/ops/backup.server.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[arguments.length=0][callee.property.name=/^(get|all|run|values)$/][callee.object.type='CallExpression']",
          message: "A SQLite-only call: await the query instead, so it runs on PostgreSQL too (decision 0047).",
        },
      ],
    },
  },
);
