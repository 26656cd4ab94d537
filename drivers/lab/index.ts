// The lab: emulated routers as processes, and (with netns) namespaces for routers and hosts.
export { labUp, LabError, type LabUpOptions } from './lab-up.ts';
export { labDown, type LabDownReport } from './lab-down.ts';
export { planLab, labPrefix, LabPlanError, type LabPlan, type LabMode } from './lab-plan.ts';
export { readLabState, writeLabState, DEFAULT_STATE_FILE, type LabState, type RouterAccess, type HostAccess } from './lab-state.ts';
export { describeLab } from './describe.ts';
