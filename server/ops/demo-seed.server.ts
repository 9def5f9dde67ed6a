import * as Y from "yjs";
import type { Role, Side } from "../../app/shared/permissions";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import type { Services } from "../services.server";
import { createUser, newUserSchema } from "../auth/users.server";

export const DEMO_PASSWORD = "coplan-demo";

export const DEMO_USERS: {
  email: string;
  name: string;
  organisation: string;
  side: Side;
  role: Role;
  /** An instance administrator (the /admin pages). */
  admin?: boolean;
}[] = [
  {
    email: "owner@swindon.example",
    name: "Alison Reed",
    organisation: "Swindon Borough Council",
    side: "local",
    role: "owner",
    admin: true,
  },
  {
    email: "editor@swindon.example",
    name: "Tom Okafor",
    organisation: "Swindon Borough Council",
    side: "local",
    role: "editor",
  },
  {
    email: "signatory@swindon.example",
    name: "Margaret Hale",
    organisation: "Swindon Borough Council",
    side: "local",
    role: "signatory",
  },
  { email: "signatory@dclg.example", name: "David Marsh", organisation: "DCLG", side: "whitehall", role: "signatory" },
  { email: "reviewer@dwp.example", name: "Priya Nair", organisation: "DWP", side: "whitehall", role: "reviewer" },
  {
    email: "viewer@police.example",
    name: "Sam Whitfield",
    organisation: "Wiltshire Police",
    side: "local",
    role: "viewer",
  },
];

export const STARTER_TEXT: Record<string, string[]> = {
  "customer-insight": [
    "Between May and July we held twelve visioning sessions across Swindon with residents, the voluntary sector and front-line staff.",
    "People told us services feel fragmented: a family with multiple problems can deal with ten or more agencies, each with its own assessment.",
  ],
  governance: ["The Swindon Public Service Board would hold the single budget, with the council as accountable body."],
};

/** Demo users of every role and one plan, made only on an empty database. */
export async function seedDemo(services: Services): Promise<boolean> {
  const { store, rooms, plans, members, search } = services;
  const { users } = store.tables;
  if ((await store.db.select({ id: users.id }).from(users).limit(1)).length > 0) return false;
  const created = [];
  for (const demo of DEMO_USERS) {
    created.push({
      user: await createUser(store, newUserSchema.parse({ ...demo, password: DEMO_PASSWORD }), { isAdmin: demo.admin }),
      role: demo.role,
    });
  }
  const owner = created.find((c) => c.role === "owner")!.user;
  const plan = await plans.create(owner.id, {
    templateId: "single-budget-for-a-place",
    title: "Swindon: a single budget for the place",
    area: "Swindon",
  });
  for (const { user, role } of created) {
    if (user.id !== owner.id) await members.add(owner.id, plan.id, { email: user.email, role });
  }
  await rooms.read(plan.id, (doc) => {
    writeStarterContent(doc);
    return search.indexPlan(plan, doc);
  });
  return true;
}

const STARTER_BUDGET: [Record<string, string>, Record<string, number>][] = [
  [
    {
      organisation: "Swindon Borough Council",
      department: "Department for Education",
      fundingLine: "Early Intervention Grant",
      treatment: "pooled",
    },
    { "2012-13": 4_200_000_00, "2013-14": 4_050_000_00 },
  ],
  [
    {
      organisation: "Jobcentre Plus",
      department: "DWP",
      fundingLine: "Jobcentre Plus flexible (discretionary) funding",
      treatment: "aligned",
    },
    { "2012-13": 650_000_00, "2013-14": 600_000_00 },
  ],
  [
    {
      organisation: "Wiltshire Probation Trust",
      department: "Ministry of Justice",
      fundingLine: "Probation / NOMS interventions funding",
      treatment: "aligned",
    },
    { "2012-13": 310_000_00 },
  ],
  [
    {
      organisation: "NHS Swindon",
      department: "Department of Health",
      fundingLine: "PCT funding (mental health, older people, drug and alcohol)",
      treatment: "pooled",
    },
    { "2012-13": 1_750_000_00, "2013-14": 1_800_000_00 },
  ],
];

function writeStarterContent(doc: Y.Doc): void {
  for (const [fields, amounts] of STARTER_BUDGET) {
    const id = addRow(doc, "shadow-budget", "budget", fields);
    for (const [year, pence] of Object.entries(amounts)) setAmount(doc, "shadow-budget", id, year, pence);
  }
  addRow(doc, "timescales", "milestones", {
    milestone: "Operational Plan agreed by the joint team",
    owner: "Alison Reed",
    due: "2012-03-31",
    status: "in-progress",
  });
  addRow(doc, "timescales", "milestones", {
    milestone: "Shadow budget running alongside existing budgets",
    owner: "Tom Okafor",
    due: "2013-04-01",
    status: "not-started",
  });
  for (const [key, paragraphs] of Object.entries(STARTER_TEXT)) {
    const fragment = doc.getXmlFragment(sectionFragmentName(key));
    fragment.insert(
      0,
      paragraphs.map((text) => {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(text)]);
        return paragraph;
      }),
    );
  }
}
