import type { ComponentProps } from "react";
import { StructuredSection } from "./StructuredSection";
import { TableProposals, useTableProposals, type PlanCellSuggestions } from "./TableProposals";

/**
 * A section's tables as the page shows them: edited directly by those who edit, or, for a
 * reviewer and for anyone with the tables' Suggesting switch on, through cell proposals.
 */
export function SectionTables({
  cells,
  ...props
}: ComponentProps<typeof StructuredSection> & { cells: PlanCellSuggestions }) {
  const proposals = useTableProposals(cells, props.sectionKey, props.editable);
  return (
    <TableProposals.Provider value={proposals.value}>
      <div className="section-tables" onKeyDown={proposals.onKeyDown}>
        {proposals.switchButton}
        <StructuredSection {...props} editable={proposals.editing} />
      </div>
    </TableProposals.Provider>
  );
}
