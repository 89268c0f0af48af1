// Counts for `nar-lens dataset stats`: graphs, labelled graphs per platform and per family.
import { Dataset, finalLabels } from './loader';

export interface DatasetStats {
  name: string;
  platform: string | null;
  platforms: Record<string, number>;
  graphs: number;
  /** Graphs with at least one label on any platform, per family. */
  families: Record<string, number>;
  /** Distinct passes present in measured labels (ours), per platform. */
  passes?: Record<string, number[]>;
  warnings?: string[];
}

export function datasetStats(ds: Dataset): DatasetStats {
  const labelled = finalLabels(ds.labels);
  const platforms: Record<string, number> = {};
  for (const p of ds.meta.platforms) platforms[p.id] = 0;
  const anyLabel = new Set<string>();
  for (const [platform, perId] of labelled) {
    platforms[platform] = perId.size;
    for (const id of perId.keys()) anyLabel.add(id);
  }
  const families: Record<string, number> = {};
  for (const f of ds.meta.families) families[f] = 0;
  for (const s of ds.samples) if (anyLabel.has(s.id)) families[s.family] = (families[s.family] ?? 0) + 1;
  const passes: Record<string, number[]> = {};
  for (const l of ds.labels) {
    if (l.pass === undefined) continue;
    const list = (passes[l.platform] ??= []);
    if (!list.includes(l.pass)) list.push(l.pass);
  }
  for (const list of Object.values(passes)) list.sort((a, b) => a - b);
  const ids = Object.keys(platforms);
  return {
    name: ds.meta.name,
    platform: ids.length === 1 ? ids[0] : null,
    platforms,
    graphs: ds.samples.length,
    families,
    ...(Object.keys(passes).length ? { passes } : {}),
    ...(ds.warnings.length ? { warnings: ds.warnings } : {}),
  };
}
