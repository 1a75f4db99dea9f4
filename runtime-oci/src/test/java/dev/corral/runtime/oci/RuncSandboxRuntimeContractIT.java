package dev.corral.runtime.oci;

import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import dev.corral.testkit.contract.SandboxRuntimeContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the runtime contract on real runc: the rules the fake runtime of unit tests is held to come from here. */
class RuncSandboxRuntimeContractIT extends SandboxRuntimeContract {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();

    @Override
    protected SandboxRuntime runtime() {
        return sandboxes.runtime;
    }

    @Override
    protected String template() {
        return MmdebstrapTemplateBuilder.BASE;
    }
}
