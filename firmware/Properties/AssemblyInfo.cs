using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("NanoTcp.Firmware")]
[assembly: AssemblyDescription("NanoTcp on ESP32 + ENC28J60 (nanoFramework application)")]
[assembly: AssemblyProduct("NanoTcp")]
[assembly: AssemblyCopyright("NanoTcp contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
