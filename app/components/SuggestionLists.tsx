import { DEPARTMENTS, FUNDING_MENU } from "~/shared/funding-menu";

/** The suggestion lists cells refer to; rendered once per page. */
export function SuggestionLists() {
  return (
    <>
      <datalist id="suggest-funding-lines">
        {FUNDING_MENU.map((line) => (
          <option key={line.fundingLine} value={line.fundingLine}>
            {line.department}
          </option>
        ))}
      </datalist>
      <datalist id="suggest-departments">
        {DEPARTMENTS.map((department) => (
          <option key={department} value={department} />
        ))}
      </datalist>
    </>
  );
}
