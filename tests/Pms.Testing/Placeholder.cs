namespace Pms.Testing;
