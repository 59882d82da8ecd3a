// nanoFramework.TestFramework (3.0.x): the members the device tests use, with the signatures of
// firmware/api/nanoFramework.TestFramework.txt. Unlike the device stand-ins these work, so the
// host can also run the device tests (tests/NanoTcp.Portability.Tests, DeviceTestsOnHostTests).
using System;

namespace TestFrameworkShared
{
    public class AssertFailedException : Exception
    {
        public AssertFailedException() { }
        public AssertFailedException(string message) : base(message) { }
        public AssertFailedException(string message, Exception ex) : base(message, ex) { }
    }
}

namespace nanoFramework.TestFramework
{
    using TestFrameworkShared;

    [AttributeUsage(AttributeTargets.Class)]
    public class TestClassAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public class TestMethodAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public class SetupAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public class CleanupAttribute : Attribute { }

    public class OutputHelper
    {
        public static void Write(string message) { Console.Write(message); }
        public static void WriteLine(string message) { Console.WriteLine(message); }
    }

    public class Assert
    {
        public static void IsTrue(bool condition, string message = "") { if (!condition) throw new AssertFailedException("IsTrue failed. " + message); }
        public static void IsFalse(bool condition, string message = "") { if (condition) throw new AssertFailedException("IsFalse failed. " + message); }
        public static void IsNull(object value, string message = "") { if (value != null) throw new AssertFailedException("IsNull failed. " + message); }
        public static void IsNotNull(object value, string message = "") { if (value == null) throw new AssertFailedException("IsNotNull failed. " + message); }
        public static void AreEqual(int expected, int actual, string message = "") { if (expected != actual) throw new AssertFailedException("AreEqual failed. Expected " + expected + ", got " + actual + ". " + message); }
        public static void AreEqual(byte expected, byte actual, string message = "") { if (expected != actual) throw new AssertFailedException("AreEqual failed. Expected " + expected + ", got " + actual + ". " + message); }
        public static void AreEqual(string expected, string actual, string message = "") { if (expected != actual) throw new AssertFailedException("AreEqual failed. Expected \"" + expected + "\", got \"" + actual + "\". " + message); }
    }
}
