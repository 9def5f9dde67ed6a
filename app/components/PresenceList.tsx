import type { PresenceUser } from "./usePlanConnection";

export function PresenceList({ people, meId }: { people: PresenceUser[]; meId: string }) {
  return (
    <section className="presence" aria-label="People with this plan open">
      <h2 className="sidebar-heading">Here now</h2>
      <ul>
        {people.map((person) => (
          <li key={person.id} data-user-id={person.id}>
            <span className="avatar" style={{ backgroundColor: person.color }} aria-hidden>
              {initials(person.name)}
            </span>
            <span>
              <span className="presence__name">
                {person.name}
                {person.id === meId ? " (you)" : ""}
              </span>
              <span className="presence__org">{person.organisation}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
}
