import type { FieldReporter, RawMap } from './FieldReporter.js';
import { dns1123SubdomainProblems } from './nameChecks.js';

const MAX_CONTROLLER_LENGTH = 250;

/** Checks an IngressClass: `controller` is a required domain-prefixed path. */
export function validateIngressClass(report: FieldReporter, object: RawMap): void {
  const spec = report.map(object.spec, ['spec']);
  const controller = report.string(spec?.controller, ['spec', 'controller']);
  if (controller === undefined || controller === '') {
    report.required(['spec', 'controller']);
    return;
  }
  const path = ['spec', 'controller'];
  if (controller.length > MAX_CONTROLLER_LENGTH) {
    report.invalid(path, controller, `must be no more than ${MAX_CONTROLLER_LENGTH} characters`);
  }
  const slash = controller.indexOf('/');
  if (slash < 0) {
    report.invalid(path, controller, "must be a domain-prefixed path (such as 'acme.io/foo')");
    return;
  }
  report.problems(
    path,
    controller,
    dns1123SubdomainProblems(controller.slice(0, slash)).map((p) => `domain prefix ${p}`),
  );
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(controller.slice(slash + 1))) {
    report.invalid(path, controller, 'the path part must be a non-empty URL path');
  }
}
