namespace Pms.UnitTests;
