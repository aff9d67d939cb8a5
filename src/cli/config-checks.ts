// The checks of tandem.yaml that the layers above config/ own, wired here in the composition
// root so that every command that reads the file reports them with the file's other problems.
import type { FileCheck } from '../config/types.js';
import { routingIssues } from '../router/config-section.js';

export const CONFIG_CHECKS: readonly FileCheck[] = [routingIssues];
