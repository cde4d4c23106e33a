package ai.cpift.model.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A scope with PyTorch's autograd off on the current thread, restoring the previous mode on
 * close. Grad mode is per thread in libtorch: only the thread that started the engine has it
 * off by default, so inference on any other thread would record a graph it never uses, and
 * in-place parameter updates there fail ("a leaf Variable that requires grad is being used in
 * an in-place operation"). Open one around inference and around in-place parameter edits.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad() {
        Engine.getEngine("PyTorch"); // loads libtorch if nothing has yet
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
